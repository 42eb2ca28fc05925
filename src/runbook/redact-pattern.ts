// A `redact:` pattern from a runbook or the user's config, compiled for a linear-time engine (RE2, pure JS):
// a pattern such as `(a|aa)+$` can no longer take seconds per line, whatever text it meets. RE2 has no
// lookaround and no backreferences; such a pattern is refused with the engine's reason.
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

// Loaded on first use (about 0.1 s): most runbooks have no `redact:` patterns, and list, lint and the
// start of every command must not pay for an engine they do not use.
let engine: typeof RE2JS | undefined;
const re2 = (): typeof RE2JS => (engine ??= (createRequire(import.meta.url)('re2js') as typeof import('re2js')).RE2JS);

export interface RedactPattern {
  readonly source: string;
  /** Every non-empty match in text, as [start, end) in UTF-16 units. */
  spans(text: string): Array<[number, number]>;
}

/** The pattern, or a one-line reason it cannot be used. */
export function compileRedactPattern(source: string): RedactPattern | { error: string } {
  let re: RE2JS;
  try {
    re = re2().compile(source);
  } catch (err) {
    const msg = (err instanceof Error ? err.message : String(err)).replace(/^error parsing regexp: /, '');
    return { error: `${msg} (patterns use RE2 syntax: no lookaround, no backreferences)` };
  }
  return {
    source,
    spans(text) {
      const out: Array<[number, number]> = [];
      const m = re.matcher(text);
      while (m.find()) if (m.end() > m.start()) out.push([m.start(), m.end()]);
      return out;
    },
  };
}
