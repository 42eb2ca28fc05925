import type { GlobalOptions } from '../cli.js';
import type { Io } from '../io.js';
import { notYet } from './_todo.js';
export async function completion(_s: string, _o: GlobalOptions, _io: Io): Promise<number> { notYet('completion'); }
