import type { ReplayOptions } from '../cli.js';
import type { Io } from '../io.js';
import { notYet } from './_todo.js';
export async function replay(_t: string, _o: ReplayOptions, _io: Io): Promise<number> { notYet('replay'); }
