// An internal error's stack, mapped from the bundle's chunks back to src/ files and lines, so a bug report
// points at the code. Loaded only on that path: start-up never parses a source map (--enable-source-maps would).
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FRAME = /((?:file:\/\/)?\/[^\s():]+\.(?:c|m)?js):(\d+):(\d+)/g;

/** Rewrite each `file.js:line:col` that has a `file.js.map` beside it to its original `src/…ts:line:col`. */
export function toSourceLines(stack: string): string {
  const maps = new Map<string, SourceMap | null>();
  const load = (file: string): SourceMap | null => {
    if (!maps.has(file)) {
      try {
        maps.set(file, new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]));
      } catch {
        maps.set(file, null);
      }
    }
    return maps.get(file) ?? null;
  };
  return stack.replace(FRAME, (whole, loc: string, line: string, col: string) => {
    const file = loc.startsWith('file://') ? fileURLToPath(loc) : loc;
    const entry = load(file)?.findEntry(Number(line) - 1, Number(col) - 1) as
      | { originalSource?: string; originalLine?: number; originalColumn?: number }
      | undefined;
    if (!entry?.originalSource || entry.originalLine === undefined) return whole;
    const src = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(dirname(file), entry.originalSource);
    return `${src}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
  });
}
