// Text that came from a runbook, a timeline or a value is shown, never obeyed: terminal controls and escape
// sequences are made visible (ESC as ␛, other C0 controls as their Unicode pictures, C1 controls as \x9b),
// so a note cannot write the reader's clipboard, retitle their window or redraw the command they approve.
// Command output keeps its colours (SGR) and loses every other sequence. docs/timeline-format.md shows the look.
import ansiRegex from 'ansi-regex';

// C0 controls, DEL and the C1 controls U+0080–U+009F (8-bit CSI, OSC, DCS, ST… on terminals that honour them).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROLS = /\r\n|[\u0000-\u001f\u007f-\u009f]/g;

/** How one control character looks: ␀…␟ and ␡ for C0 and DEL (ESC is ␛), \x80…\x9f for C1. */
export function controlPicture(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c < 0x20) return String.fromCharCode(0x2400 + c);
  if (c === 0x7f) return '␡';
  return `\\x${c.toString(16)}`;
}

export interface NeutralizeOptions {
  /** Keep newlines and tabs (a CRLF becomes a newline): for text the layout shows on several lines. */
  multiline?: boolean;
}

/** Every control character shown visibly (newline and tab kept when `multiline`). Cheap when there is none. */
export function neutralize(s: string, opts: NeutralizeOptions = {}): string {
  if (!CONTROL.test(s)) return s;
  const keep = opts.multiline === true;
  return s.replace(CONTROLS, (ch) => {
    if (keep && (ch === '\n' || ch === '\t')) return ch;
    if (ch === '\r\n') return keep ? '\n' : '␍␊';
    return controlPicture(ch);
  });
}

/**
 * A copy of `value` with every string in it neutralised (plain objects and arrays, any depth). Strings under
 * a key in `multilineKeys` keep their newlines and tabs. Returns `value` itself when nothing needed changing,
 * so the common case costs one scan and no copy.
 */
export function neutralizeDeep<T>(value: T, multilineKeys: ReadonlySet<string> = new Set(), multiline = false): T {
  if (typeof value === 'string') return neutralize(value, { multiline }) as T;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const n = neutralizeDeep(item, multilineKeys, multiline);
      if (n !== item) (copy ??= [...value])[i] = n;
    });
    return (copy ?? value) as T;
  }
  const proto: unknown = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) {
    const obj = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const [k, item] of Object.entries(obj)) {
      const n = neutralizeDeep(item, multilineKeys, multilineKeys.has(k));
      if (n !== item) (copy ??= { ...obj })[k] = n;
    }
    return (copy ?? value) as T;
  }
  return value;
}

// A sequence as the terminal would parse it (ansi-regex: CSI, OSC, DCS/SOS/PM/APC, two-byte escapes, their
// 8-bit forms), else one control character.
const SEQUENCE_OR_CONTROL = new RegExp(`${ansiRegex().source}|[\\u0000-\\u001f\\u007f-\\u009f]`, 'g');
// What output may hold that needs a look: controls other than newline, tab and CR (most output has none).
// eslint-disable-next-line no-control-regex
const OUTPUT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** Select Graphic Rendition (colours, bold…), 7-bit form only: the one sequence command output keeps. */
// eslint-disable-next-line no-control-regex
const SGR = /^\u001b\[[0-9;:]*m$/;
// A sequence can be cut between two chunks of output; the cut tail waits for the next chunk, up to this size.
const MAX_HELD = 4096;

function filterComplete(s: string): string {
  if (!OUTPUT_CONTROL.test(s)) return s;
  return s.replace(SEQUENCE_OR_CONTROL, (m) => {
    if (m.length > 1) return SGR.test(m) ? m : '';
    // Line layout of output: newline, tab and carriage return (progress bars redraw their line) are kept.
    return m === '\n' || m === '\t' || m === '\r' ? m : controlPicture(m);
  });
}

const SEQUENCES = new RegExp(ansiRegex().source, 'g');

/** ESC, and the C1 controls that open a sequence: DCS, SOS, CSI, OSC, PM, APC. */
function opensSequence(c: number): boolean {
  return c === 0x1b || c === 0x90 || c === 0x98 || c === 0x9b || c === 0x9d || c === 0x9e || c === 0x9f;
}

/**
 * Where an unfinished sequence may start at the end of `s` (-1: none): the first opener after the last
 * complete sequence of its last line. Held tails never span lines and are at most MAX_HELD long.
 */
function heldTailStart(s: string): number {
  let start = Math.max(s.length - MAX_HELD, s.lastIndexOf('\n') + 1);
  SEQUENCES.lastIndex = start;
  for (let m = SEQUENCES.exec(s); m !== null; m = SEQUENCES.exec(s)) start = m.index + m[0].length;
  for (let i = start; i < s.length; i++) if (opensSequence(s.charCodeAt(i))) return i;
  return -1;
}

export interface OutputFilter {
  /** The chunk as it may be shown: SGR kept, other sequences dropped, stray controls visible. */
  write(chunk: string): string;
  /** What is still held back (an unfinished sequence), shown visibly. */
  flush(): string;
}

/**
 * Command output for a terminal, chunk by chunk: colours kept, every other escape sequence (cursor moves,
 * titles, clipboard, DCS…) dropped, other controls except newline, tab and CR shown visibly. A sequence cut
 * between chunks is held until the next one, so a colour split by a pipe read still works.
 */
export function createOutputFilter(): OutputFilter {
  let held = '';
  return {
    write(chunk) {
      if (held === '' && !OUTPUT_CONTROL.test(chunk)) return chunk;
      const s = held + chunk;
      held = '';
      const cut = heldTailStart(s);
      if (cut < 0) return filterComplete(s);
      held = s.slice(cut);
      return filterComplete(s.slice(0, cut));
    },
    flush() {
      const rest = held;
      held = '';
      return neutralize(rest, { multiline: true });
    },
  };
}

/** One piece of command output on its own (nothing held back). */
export function neutralizeOutput(s: string): string {
  const f = createOutputFilter();
  return f.write(s) + f.flush();
}

/**
 * JSON for a terminal or a pipe: JSON.stringify escapes C0 controls but not DEL or C1 (U+0080–U+009F), which
 * some terminals obey; those are written as \u escapes too. Same data, still valid JSON.
 */
export function terminalJson(value: unknown, indent?: number): string {
  return escapeDelAndC1(JSON.stringify(value, null, indent));
}

/** DEL and C1 in JSON text as \u escapes (JSON text holds them only inside its strings). */
function escapeDelAndC1(json: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u007f-\u009f]/.test(json) ? json.replace(/[\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

/**
 * terminalJson and a newline as UTF-8, in pieces to be written one after the other: a large document (`list
 * --json` of thousands of runbooks) is never one string nor one buffer. The test for DEL and C1 is made on
 * each piece's bytes: DEL is 0x7f, U+0080–U+009F are 0xc2 0x80–0x9f, and 0xc2 is never a continuation byte.
 * For text with any non-ASCII character (a two-byte string in V8) that is ~20× cheaper than the regular
 * expression over the string; a piece where one is found is escaped as terminalJson escapes.
 */
export function* terminalJsonPieces(value: unknown, indent?: number): Generator<Buffer> {
  for (const text of jsonLinePieces(value, indent)) {
    const bytes = Buffer.from(text, 'utf8');
    yield hasDelOrC1(bytes) ? Buffer.from(escapeDelAndC1(text), 'utf8') : bytes;
  }
}

function hasDelOrC1(bytes: Buffer): boolean {
  if (bytes.indexOf(0x7f) >= 0) return true;
  for (let i = bytes.indexOf(0xc2); i >= 0; i = bytes.indexOf(0xc2, i + 1)) if ((bytes[i + 1] ?? 0) >= 0x80 && (bytes[i + 1] ?? 0) <= 0x9f) return true;
  return false;
}

/** Elements of a long array made into JSON at a time (jsonLinePieces). */
const SLICE = 64;

/**
 * `JSON.stringify(value, null, indent)` and a newline, in pieces whose concatenation is that text. A long
 * indented array is made a slice of elements at a time (each slice's brackets dropped, the slices joined by
 * ",\n"): one 2.5 MB string encoded as UTF-8 took ~20 ms more than its slices, and gathering the slices into
 * one buffer ~15 ms more than writing them as they come (`list --json` of 5,000 runbooks).
 */
function* jsonLinePieces(value: unknown, indent?: number): Generator<string> {
  if (!Array.isArray(value) || value.length <= SLICE || !indent) {
    yield `${JSON.stringify(value, null, indent)}\n`;
    return;
  }
  yield '[\n';
  for (let i = 0; i < value.length; i += SLICE) {
    // "[\n" + the elements, each indented as in the whole array + "\n]"
    const inner = JSON.stringify(value.slice(i, i + SLICE), null, indent).slice(2, -2);
    yield i + SLICE < value.length ? `${inner},\n` : `${inner}\n]\n`;
  }
}
