import type { IncidentsOptions } from '../cli.js';
import type { Io } from '../io.js';
import { notYet } from './_todo.js';
export async function incidents(_o: IncidentsOptions, _io: Io): Promise<number> { notYet('incidents'); }
