import type { DrillOptions } from '../cli.js';
import type { Io } from '../io.js';
import { notYet } from './_todo.js';
export async function drill(_t: string, _o: DrillOptions, _io: Io): Promise<number> { notYet('drill'); }
