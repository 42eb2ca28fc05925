import type { ShowOptions } from '../cli.js';
import type { Io } from '../io.js';
import { notYet } from './_todo.js';
export async function show(_r: string, _o: ShowOptions, _io: Io): Promise<number> { notYet('show'); }
