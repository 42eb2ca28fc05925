import type { RunOptions } from '../cli.js';
import type { Io } from '../io.js';
import { notYet } from './_todo.js';
export async function run(_r: string, _o: RunOptions, _io: Io): Promise<number> { notYet('run'); }
