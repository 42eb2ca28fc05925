import type { ExportOptions } from '../cli.js';
import type { Io } from '../io.js';
import { notYet } from './_todo.js';
export async function exportTimeline(_t: string, _o: ExportOptions, _io: Io): Promise<number> { notYet('export'); }
