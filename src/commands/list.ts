import type { ListOptions } from '../cli.js';
import type { Io } from '../io.js';
import { notYet } from './_todo.js';
export async function list(_o: ListOptions, _io: Io): Promise<number> { notYet('list'); }
