import type { LintOptions } from '../cli.js';
import type { Io } from '../io.js';
import { notYet } from './_todo.js';
export async function lint(_p: string[], _o: LintOptions, _io: Io): Promise<number> { notYet('lint'); }
