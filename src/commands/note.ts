import type { TimelineTarget } from '../cli.js';
import type { Io } from '../io.js';
import { notYet } from './_todo.js';
export async function note(_t: string, _o: TimelineTarget, _io: Io): Promise<number> { notYet('note'); }
export async function mark(_w: string, _t: string, _o: TimelineTarget, _io: Io): Promise<number> { notYet('mark'); }
