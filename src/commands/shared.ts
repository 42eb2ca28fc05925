// Small helpers shared by the runbook commands.
import { isAbsolute, relative } from 'node:path';
import type { Io } from '../io.js';
import { terminalJsonPieces } from '../ui/neutralize.js';

export function writeJson(io: Io, value: unknown): void {
  for (const piece of terminalJsonPieces(value, 2)) io.stdout.write(piece);
}

/** Paths under cwd shown relative to it; anything else as given. */
export function relativeTo(cwd: string): (f: string) => string {
  return (f) => {
    const r = relative(cwd, f);
    return r && !r.startsWith('..') && !isAbsolute(r) ? r : f;
  };
}

export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
