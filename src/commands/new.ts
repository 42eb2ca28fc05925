import type { NewOptions } from '../cli.js';
import type { Io } from '../io.js';
import { notYet } from './_todo.js';
export async function newRunbook(_id: string, _o: NewOptions, _io: Io): Promise<number> { notYet('new'); }
