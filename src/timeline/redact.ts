// Redaction: remove secret values (and their encoded forms) and well-known credential shapes from text
// before it reaches a timeline. docs/redaction.md explains every rule with examples.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError, describeSystemError } from '../errors.js';
import { compileRedactPattern, type RedactPattern } from '../runbook/redact-pattern.js';
import { BUILTIN_RULES } from './redact-rules.js';

export { BUILTIN_RULES };

export const REDACTED = '[redacted]';

/** Values a runbook itself holds that must not be recorded: the defaults of its `secret: true` variables. */
export function runbookSecrets(rb: { vars: ReadonlyArray<{ secret: boolean; default?: string }> }): string[] {
  return rb.vars.flatMap((v) => (v.secret && v.default !== undefined ? [v.default] : []));
}

/** Secret values shorter than this are not masked in free text: see docs/redaction.md. */
export const MIN_SECRET_LENGTH = 4;
/** A line of a multi-line secret is masked on its own when it is at least this long. */
const MIN_SECRET_LINE_LENGTH = 8;
/** An incomplete line shorter than this is held back by stream() while it might still become a credential. */
const PATTERN_WINDOW = 512;
/** The end of a line that names a value given on the next line (the AWS credentials file layout). */
const VALUE_ON_NEXT_LINE = /[=:]["']?[ \t]*\r?\n[ \t]*$/;
/** stream() never holds back more than this; past it, a match still open is masked up to here. */
const MAX_HOLD = 64 * 1024;

export interface RedactStream {
  /** Feed a chunk; returns the redacted text that is now safe to write (possibly ''). */
  push(chunk: string): string;
  /** End of input: returns whatever was held back, redacted. */
  flush(): string;
}

export interface Redactor {
  redact(text: string): string;
  addSecret(value: string): void;
  /** Add a regular expression (JavaScript syntax); throws UserError when it does not compile. */
  addPattern(source: string): void;
  /** A redactor for text that arrives in chunks: a secret split across chunks is still caught. */
  stream(): RedactStream;
}

export interface RedactorOptions {
  secrets?: string[];
  patterns?: string[];
}

/** A span of the input: [start, end) is the whole match, [ms, me) the part to mask. */
interface Span {
  start: number;
  end: number;
  ms: number;
  me: number;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every form in which a secret value may show up in output. */
export function secretForms(value: string): string[] {
  const forms = new Set<string>();
  const add = (f: string, min = MIN_SECRET_LENGTH): void => {
    if (f.length >= min) forms.add(f);
  };
  if (value.length < MIN_SECRET_LENGTH) return [];
  add(value);
  for (const v of [value, `${value}\n`]) {
    // `echo "$SECRET" | base64` adds the newline; the padding may be cut off.
    const b64 = Buffer.from(v, 'utf8').toString('base64');
    add(b64);
    add(b64.replace(/=+$/, ''));
    add(b64.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'));
  }
  // Base64 of the secret inside a larger blob (`user:secret`): the part of the encoding that does not
  // depend on the neighbouring bytes, for each of the three alignments.
  for (const k of [1, 2]) {
    const enc = Buffer.concat([Buffer.alloc(k), Buffer.from(value, 'utf8')]).toString('base64').replace(/=+$/, '');
    const startChar = Math.ceil((k * 8) / 6);
    const totalBits = (k + Buffer.byteLength(value)) * 8;
    const stableEnd = Math.floor(totalBits / 6);
    const inner = enc.slice(startChar, stableEnd);
    add(inner, 12);
    add(inner.replace(/\+/g, '-').replace(/\//g, '_'), 12);
  }
  const url = encodeURIComponent(value);
  add(url);
  add(url.replace(/%20/g, '+'));
  add(url.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  add(JSON.stringify(value).slice(1, -1));
  if (/[\r\n]/.test(value)) {
    for (const line of value.split(/\r?\n/)) {
      add(line, MIN_SECRET_LINE_LENGTH);
      add(line.trim(), MIN_SECRET_LINE_LENGTH);
    }
  }
  return [...forms];
}

function compileUserPattern(source: string, where?: string): RedactPattern {
  const compiled = compileRedactPattern(source);
  if ('error' in compiled) throw new UserError(`invalid redact pattern ${JSON.stringify(source)}${where ? ` in ${where}` : ''}: ${compiled.error}`);
  return compiled;
}

export function createRedactor(options: RedactorOptions = {}): Redactor {
  const literals = new Set<string>();
  let literalRe: RegExp | null = null;
  let maxLiteral = 0;
  const userPatterns: RedactPattern[] = [];

  const rebuildLiterals = (): void => {
    const sorted = [...literals].sort((a, b) => b.length - a.length);
    literalRe = sorted.length ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : null;
    maxLiteral = sorted[0]?.length ?? 0;
  };

  const addSecret = (value: string): void => {
    const before = literals.size;
    for (const f of secretForms(value)) literals.add(f);
    if (literals.size !== before) rebuildLiterals();
  };
  const addPattern = (source: string): void => {
    userPatterns.push(compileUserPattern(source));
  };
  for (const s of options.secrets ?? []) addSecret(s);
  for (const p of options.patterns ?? []) addPattern(p);

  /** All spans in text, unsorted. */
  const findSpans = (text: string): Span[] => {
    const spans: Span[] = [];
    if (literalRe) {
      for (const m of text.matchAll(literalRe)) {
        const start = m.index;
        spans.push({ start, end: start + m[0].length, ms: start, me: start + m[0].length });
      }
    }
    for (const rule of BUILTIN_RULES) {
      // A literal every match contains: one indexOf skips the regex for most text.
      if (rule.hint !== undefined && !text.includes(rule.hint)) continue;
      for (const m of text.matchAll(rule.re)) {
        const g = m.groups ?? {};
        const s = g.s ?? '';
        if (s === '' || rule.keep?.(m, text)) continue;
        const back = rule.back ? rule.back(text, m.index) : 0;
        if (back < 0) continue;
        const start = m.index - back;
        const ms = m.index + (g.pre?.length ?? 0);
        spans.push({ start, end: m.index + m[0].length, ms, me: ms + s.length });
      }
    }
    for (const p of userPatterns) for (const [start, end] of p.spans(text)) spans.push({ start, end, ms: start, me: end });
    return spans;
  };

  /** text[0, cut) with the masked ranges of spans replaced; spans must not cross cut. */
  const applySpans = (text: string, spans: Span[], cut: number): string => {
    const ranges = spans
      .filter((s) => s.ms < cut && s.me > s.ms)
      .map((s) => [s.ms, Math.min(s.me, cut)] as [number, number])
      .sort((a, b) => a[0] - b[0]);
    let out = '';
    let pos = 0;
    let i = 0;
    while (i < ranges.length) {
      const r = ranges[i] as [number, number];
      let [a, b] = r;
      i++;
      while (i < ranges.length && (ranges[i] as [number, number])[0] <= b) {
        b = Math.max(b, (ranges[i] as [number, number])[1]);
        i++;
      }
      if (a < pos) a = pos;
      out += text.slice(pos, a) + REDACTED;
      pos = Math.max(pos, b);
    }
    return out + text.slice(pos, cut);
  };

  const redact = (text: string): string => {
    if (text === '') return text;
    const spans = findSpans(text);
    return spans.length ? applySpans(text, spans, text.length) : text;
  };

  /** The length of the longest suffix of text that is a proper prefix of a secret form. */
  const literalHold = (text: string): number => {
    let best = 0;
    for (const lit of literals) {
      const max = Math.min(lit.length - 1, text.length);
      for (let k = max; k > best; k--) {
        if (text.endsWith(lit.slice(0, k))) {
          best = k;
          break;
        }
      }
    }
    return best;
  };

  const stream = (): RedactStream => {
    let pending = '';
    // After a forced cut inside an open match: keep masking until its end (`pem`) or the next blank (`token`).
    let skipping: 'pem' | 'token' | null = null;
    // The end of the text already let through: a match may begin there and go on into what comes next
    // (`aws_secret_access_key =` on one line, the key on the next).
    let ctx = '';

    /** The spans of buf, found with ctx before it; positions relative to buf (a span may start before 0). */
    const spansAfter = (before: string, text: string): Span[] => {
      if (before === '') return findSpans(text);
      const n = before.length;
      return findSpans(before + text)
        .filter((sp) => sp.end > n && sp.me > n)
        .map((sp) => ({ start: sp.start - n, end: sp.end - n, ms: sp.ms - n, me: sp.me - n }));
    };

    const skip = (buf: string): { out: string; rest: string } | null => {
      if (skipping === 'token') {
        const m = /\s/.exec(buf);
        if (!m) return null;
        skipping = null;
        return { out: '', rest: buf.slice(m.index) };
      }
      const m = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----/.exec(buf);
      if (!m) return null;
      skipping = null;
      return { out: m[0], rest: buf.slice(m.index + m[0].length) };
    };

    const push = (chunk: string): string => {
      let buf = pending + chunk;
      let out = '';
      if (skipping) {
        const r = skip(buf);
        if (!r) {
          // Keep only what could be the start of the end marker.
          pending = buf.slice(-64);
          return '';
        }
        out += r.out;
        buf = r.rest;
      }
      const spans = spansAfter(ctx, buf);
      const lastNl = buf.lastIndexOf('\n');
      const tailLine = buf.length - (lastNl + 1);
      let cut = buf.length - Math.max(literalHold(buf), Math.min(tailLine, PATTERN_WINDOW));
      // Never cut through a match, nor emit a match that touches the end and might still grow.
      spans.sort((a, b) => b.start - a.start);
      let moved = true;
      while (moved) {
        moved = false;
        for (const s of spans) {
          if (s.start < cut && (s.end > cut || s.end === buf.length)) {
            cut = s.start;
            moved = true;
          }
        }
      }
      cut = Math.max(0, cut);
      if (buf.length - cut > MAX_HOLD) {
        // An open match has grown too long to hold: mask it up to here and keep masking after.
        const open = spans.filter((s) => s.start <= cut && s.end === buf.length);
        const isPem = open.some((s) => buf.startsWith('-----BEGIN', s.start));
        out += applySpans(buf, spans, buf.length);
        pending = '';
        skipping = isPem ? 'pem' : 'token';
        return out;
      }
      out += applySpans(buf, spans, cut);
      // Kept only when the text let through ends in a name waiting for its value (`key =` then a line break):
      // rescanning it with every chunk would cost a sixth of the speed for nothing.
      const seen = (ctx + buf.slice(0, cut)).slice(-PATTERN_WINDOW);
      ctx = VALUE_ON_NEXT_LINE.test(seen) ? seen : '';
      pending = buf.slice(cut);
      return out;
    };

    const flush = (): string => {
      const rest = pending;
      pending = '';
      if (skipping) {
        skipping = null;
        return '';
      }
      return rest === '' ? '' : applySpans(rest, spansAfter(ctx, rest), rest.length);
    };
    return { push, flush };
  };

  return { redact, addSecret, addPattern, stream };
}

/** Where the user's own config lives: $RUNBOOK_CONFIG, else $XDG_CONFIG_HOME/runbook/config.json, else ~/.config/runbook/config.json. */
export function userConfigPath(env: NodeJS.ProcessEnv): string {
  if (env.RUNBOOK_CONFIG) return env.RUNBOOK_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'runbook', 'config.json');
}

/** The `redact` patterns of the user's config file ({ "redact": ["regex", ...] }); [] when there is no file. */
export function loadUserRedactPatterns(env: NodeJS.ProcessEnv): string[] {
  const file = userConfigPath(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UserError(`cannot read config ${file}: ${describeSystemError(err)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`config ${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError(`config ${file} must be a JSON object like { "redact": ["regex"] }`);
  }
  const redact = (data as Record<string, unknown>).redact;
  if (redact === undefined) return [];
  if (!Array.isArray(redact) || !redact.every((p): p is string => typeof p === 'string')) {
    throw new UserError(`config ${file}: "redact" must be an array of regular expressions (strings)`);
  }
  for (const p of redact) compileUserPattern(p, file);
  return redact;
}
