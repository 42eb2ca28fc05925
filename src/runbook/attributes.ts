// Fence info strings: the language and Runme-style attributes, `{name=x danger=true}` or `{"name":"x"}`.
import type { AttributeValue } from './model.js';

export interface FenceInfo {
  lang: string;
  attributes: Record<string, AttributeValue>;
  /** A problem reading the attributes (kept as a lint warning). */
  error?: string;
}

function coerce(raw: string): AttributeValue {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

/** `name=x danger=true title="two words" 'k'='v'` → a record. */
function parsePairs(text: string): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  const re = /([A-Za-z_][\w.-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s,}]+))|([A-Za-z_][\w.-]*)/g;
  for (const m of text.matchAll(re)) {
    if (m[5] !== undefined) {
      out[m[5]] = true; // a bare flag, e.g. {interactive}
      continue;
    }
    const key = m[1] as string;
    if (m[2] !== undefined) out[key] = m[2].replace(/\\(.)/g, '$1');
    else if (m[3] !== undefined) out[key] = m[3];
    else out[key] = coerce(m[4] as string);
  }
  return out;
}

export function parseFenceInfo(info: string): FenceInfo {
  const trimmed = info.trim();
  const m = /^([^\s{]*)\s*(.*)$/s.exec(trimmed);
  const lang = (m?.[1] ?? '').toLowerCase();
  const rest = (m?.[2] ?? '').trim();
  if (!rest) return { lang, attributes: {} };
  const braced = /^\{(.*)\}$/s.exec(rest);
  if (braced) {
    if (rest.startsWith('{"') || rest.startsWith('{ "')) {
      try {
        const parsed: unknown = JSON.parse(rest);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
          const out: Record<string, AttributeValue> = {};
          for (const [k, v] of Object.entries(parsed)) {
            out[k] = typeof v === 'string' ? coerce(v) : typeof v === 'boolean' || typeof v === 'number' ? v : JSON.stringify(v);
          }
          return { lang, attributes: out };
        }
      } catch (err) {
        return { lang, attributes: {}, error: `attributes are not valid JSON: ${(err as Error).message}` };
      }
    }
    return { lang, attributes: parsePairs(braced[1] as string) };
  }
  // No braces: `sh name=foo` is read the same way; anything else (a title) is ignored.
  return { lang, attributes: rest.includes('=') ? parsePairs(rest) : {} };
}

const NO_ATTRIBUTES: Record<string, AttributeValue> = Object.freeze({}) as Record<string, AttributeValue>;

/**
 * What `list` reads of an info string: the language, and the `run` attribute (whether the block runs). An info
 * string that holds neither the word `run` nor a backslash (a JSON key may spell it `"\u0072un"`) cannot set
 * it, so its other attributes are not parsed (`list` over 5,000 runbooks spent ~40 ms on attributes it never
 * reads); any other is parsed in full.
 */
export function fenceLangAndRun(info: string): FenceInfo {
  if (info.includes('run') || info.includes('\\')) return parseFenceInfo(info);
  return { lang: (/^[^\s{]*/.exec(info.trim())?.[0] ?? '').toLowerCase(), attributes: NO_ATTRIBUTES };
}

/** `30s`, `5m`, `1h`, `1500ms`, `2m30s` or a bare number of seconds → milliseconds; undefined when malformed. */
export function parseDuration(value: AttributeValue | undefined): number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return value > 0 ? value * 1000 : undefined;
  const s = value.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) > 0 ? Number(s) * 1000 : undefined;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  for (const m of s.matchAll(re)) {
    if (m.index !== pos) return undefined;
    pos = m.index + m[0].length;
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
  }
  return pos === s.length && total > 0 ? total : undefined;
}

/** A `capture=NAME` attribute's name, when it is one (lint reports the rest: captureProblem). */
export function captureName(attributes: Record<string, AttributeValue>): string | undefined {
  const v = attributes.capture;
  return typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? v : undefined;
}

/** Why a block's `capture` attribute cannot be used, or undefined (also when there is none). */
export function captureProblem(attributes: Record<string, AttributeValue>, isReserved: (name: string) => boolean): string | undefined {
  const v = attributes.capture;
  if (v === undefined) return undefined;
  if (captureName(attributes) === undefined) return `capture=${String(v)} is not a variable name (letters, digits and _, not starting with a digit)`;
  if (isReserved(v as string)) return `capture=${String(v)}: ${String(v)} is reserved; a capture may not set it`;
  if (isTrue(attributes.interactive)) return `capture=${String(v)} on an interactive block: its output goes to the terminal and is not read`;
  return undefined;
}

export function isTrue(v: AttributeValue | undefined): boolean {
  return v === true || v === 'true' || v === 'yes' || v === 1;
}
export function isFalse(v: AttributeValue | undefined): boolean {
  return v === false || v === 'false' || v === 'no' || v === 0;
}
