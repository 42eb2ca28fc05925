// The secret shapes and the ordinary corpus (test/fixtures/secrets), shared by the redaction unit tests, the
// leak test and bench/redact.js.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './run-cli.js';

const DIR = join(ROOT, 'test', 'fixtures', 'secrets');

export interface Shape {
  /** What a command prints (one or two lines). */
  text: string;
  /** The part that must never be recorded. */
  secret: string;
}

export const SHAPES: Shape[] = readFileSync(join(DIR, 'shapes.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => {
    const [text, secret] = l.split('\t') as [string, string];
    return { text: text.replace(/⏎/g, '\n'), secret };
  });

/** Lines an on-call engineer sees every day, with nothing secret in them: redaction must leave them as they are. */
export const ORDINARY: string[] = readFileSync(join(DIR, 'ordinary.txt'), 'utf8').split('\n').filter((l) => l !== '');
