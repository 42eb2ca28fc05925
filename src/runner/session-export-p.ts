// Reads bash's `export -p`: the local session's dump is that one builtin's output (one call in C, where a
// loop over every variable in bash cost a millisecond or two per command). Its forms, from bash 4.4 to 5.x,
// in normal and POSIX mode:
//   declare -x NAME="value"      double quotes; `\"`, `\\`, `\$` and `` \` `` escaped, anything else raw
//                                (newlines and bytes that are not UTF-8 included)
//   declare -x NAME=$'a\nb\377'  ANSI-C quoting, which newer bash uses for control characters and bytes
//   declare -x NAME              exported but never set: not in a child's environment, so not carried
//   declare -ax NAME=([0]="a")   an array: a child never sees it, so not carried
//   export NAME="value"          the same, in POSIX mode (`set -o posix`); arrays as `export -a NAME=(…)`
// Exact byte for byte: the parser works on bytes, never decodes text. Anything it cannot read makes the whole
// dump unreadable (the state then stays as it was), never a value that is nearly right.

const DQ_ESCAPED = new Set([0x22, 0x5c, 0x24, 0x60]); // " \ $ `
const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, e: 27, E: 27, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 0x5c, "'": 0x27, '"': 0x22, '?': 0x3f };
const NAME_BYTE = (b: number): boolean => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;
const HEX = /^[0-9a-fA-F]$/;

class Unreadable extends Error {}

/** The value of each exported variable `export -p` printed (arrays and unset names left out), or undefined. */
export function parseExportP(text: Buffer): Map<string, Buffer> | undefined {
  const env = new Map<string, Buffer>();
  let i = 0;
  const expect = (s: string): void => {
    if (text.toString('latin1', i, i + s.length) !== s) throw new Unreadable();
    i += s.length;
  };
  try {
    while (i < text.length) {
      if (text.toString('latin1', i, i + 8) === 'declare ') i += 8;
      else expect('export ');
      // `declare -x`, `declare -ax`; in POSIX mode `export NAME` and `export -a NAME`.
      let flags = 'x';
      if (text[i] === 0x2d) {
        const sp = text.indexOf(0x20, i);
        if (sp < 0) throw new Unreadable();
        flags = text.toString('latin1', i + 1, sp);
        i = sp + 1;
      }
      const start = i;
      while (i < text.length && NAME_BYTE(text[i] as number)) i++;
      const name = text.toString('latin1', start, i);
      if (name === '') throw new Unreadable();
      let value: Buffer | undefined;
      if (text[i] === 0x3d) {
        i++;
        if (text[i] === 0x28) i = skipArray(text, i);
        else [value, i] = readWord(text, i);
      }
      expect('\n');
      if (value !== undefined && !/[aAn]/.test(flags)) env.set(name, value);
    }
  } catch (err) {
    if (err instanceof Unreadable) return undefined;
    throw err;
  }
  return env;
}

/** One quoted word at `i`: its bytes and where it ends. */
function readWord(t: Buffer, i: number): [Buffer, number] {
  if (t[i] === 0x22) return readDouble(t, i + 1);
  if (t[i] === 0x24 && t[i + 1] === 0x27) return readAnsiC(t, i + 2);
  throw new Unreadable();
}

function readDouble(t: Buffer, i: number): [Buffer, number] {
  const out: number[] = [];
  for (;;) {
    const b = t[i];
    if (b === undefined) throw new Unreadable();
    if (b === 0x22) return [Buffer.from(out), i + 1];
    if (b === 0x5c && DQ_ESCAPED.has(t[i + 1] as number)) {
      out.push(t[i + 1] as number);
      i += 2;
    } else {
      out.push(b);
      i++;
    }
  }
}

function readAnsiC(t: Buffer, i: number): [Buffer, number] {
  const out: number[] = [];
  for (;;) {
    const b = t[i];
    if (b === undefined) throw new Unreadable();
    if (b === 0x27) return [Buffer.from(out), i + 1];
    if (b !== 0x5c) {
      out.push(b);
      i++;
      continue;
    }
    const c = String.fromCharCode(t[i + 1] ?? 0);
    i += 2;
    if (SIMPLE_ESCAPES[c] !== undefined) out.push(SIMPLE_ESCAPES[c]);
    else if (c >= '0' && c <= '7') {
      let v = Number(c);
      for (let k = 0; k < 2 && (t[i] ?? 0) >= 0x30 && (t[i] ?? 0) <= 0x37; k++) v = v * 8 + ((t[i++] as number) - 0x30);
      out.push(v & 0xff);
    } else if (c === 'x') {
      let h = '';
      while (h.length < 2 && HEX.test(String.fromCharCode(t[i] ?? 0))) h += String.fromCharCode(t[i++] as number);
      if (h === '') throw new Unreadable();
      out.push(parseInt(h, 16));
    } else if (c === 'u' || c === 'U') {
      let h = '';
      while (h.length < (c === 'u' ? 4 : 8) && HEX.test(String.fromCharCode(t[i] ?? 0))) h += String.fromCharCode(t[i++] as number);
      if (h === '') throw new Unreadable();
      out.push(...Buffer.from(String.fromCodePoint(parseInt(h, 16)), 'utf8'));
    } else if (c === 'c') {
      out.push((t[i++] ?? 0) & 0x1f);
    } else throw new Unreadable();
  }
}

/** Past an array's `(…)`: quoted words and `[key]=` between them. */
function skipArray(t: Buffer, i: number): number {
  i++;
  for (;;) {
    const b = t[i];
    if (b === undefined) throw new Unreadable();
    if (b === 0x29) return i + 1;
    if (b === 0x22 || (b === 0x24 && t[i + 1] === 0x27)) i = readWord(t, i)[1];
    else i++;
  }
}
