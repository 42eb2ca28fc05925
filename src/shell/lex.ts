// The one shell lexer (bash dialect). Pure: no I/O, no imports. Variable discovery, placeholder substitution
// and danger detection all read shell text through it, so they can never disagree about what is quoted.
//
// It is a lexer with just enough grammar to know, for every character, the quoting context bash would read
// it in, and to find every simple command in every position. It never executes or expands anything.
//
// Refinements of the API in LEXER-SPEC.md:
// - `Lexed.params`: every parameter expansion bash would perform (`$NAME`, `${NAME…}`, `$1`, `$@`), with the
//   context of its `$`; expansions in single quotes, comments and quoted here-documents are not listed.
// - The quote characters themselves (`'`, `"`, `$'`, the closing quote) carry the context they open/close.
// - `$((` is always read as arithmetic (bash tries that first too); `declare -i x` followed later by
//   `x=…` is not tracked (only the values on the `declare -i` line itself are marked arithmetic).

export type Quote =
  | 'plain' // unquoted
  | 'single' // '...'
  | 'ansi' // $'...'
  | 'double' // "..."
  | 'comment' // # ... to end of line
  | 'heredoc' // body of an unquoted here-document (<<EOF, <<-EOF): expansions happen
  | 'quoted-heredoc'; // body of <<'EOF' / <<"EOF" / <<\EOF: nothing expands

export interface Context {
  quote: Quote;
  /** Nesting depth of $( ), `...`, <( ), >( ): a '"' inside "$( )" opens a new quote at depth+1. */
  depth: number;
  /** Inside arithmetic: $(( )), (( )), $[ ], let's arguments, an operand of [[ -eq -ne -lt -le -gt -ge ]], declare -i / typeset -i values, array subscripts, ${s:offset:length}. */
  arith: boolean;
}

export interface Word {
  raw: string; // the text as written, quotes included
  start: number;
  end: number;
  /** The word's literal value after quote removal when it has no expansion ($, `, unquoted globs are fine), else null. */
  value: string | null;
}

export interface SimpleCommand {
  start: number;
  end: number;
  /** Leading NAME=value assignments (not part of `words`). */
  assignments: Word[];
  /** Command name and arguments; redirections (`> f`, `2>&1`, `<<EOF`, `<<<word`) are not words. */
  words: Word[];
  /** The construct it stands in: 0 at top level; inside $( ) / backticks / <( ) one more per level. */
  depth: number;
}

export interface Heredoc {
  op: number;
  bodyStart: number;
  bodyEnd: number;
  delim: string;
  quoted: boolean;
  strip: boolean;
}

export interface Param {
  /** `NAME`, or a special parameter (`1`, `@`, `#`, …). */
  name: string;
  /** Span of the whole expansion, `$` included. */
  start: number;
  end: number;
}

export interface Lexed {
  /** One entry per UTF-16 index of the input. */
  at: Context[];
  /** Every simple command in every position; reserved words are never reported as command names. */
  commands: SimpleCommand[];
  /** Here-documents; here-strings (<<<) are not here-documents. */
  heredocs: Heredoc[];
  /** Parameter expansions bash would perform (see the header comment). */
  params: Param[];
}

const contexts = new Map<string, Context>();
function ctx(quote: Quote, depth: number, arith: boolean): Context {
  const key = `${quote}/${depth}/${arith ? 1 : 0}`;
  let c = contexts.get(key);
  if (!c) contexts.set(key, (c = Object.freeze({ quote, depth, arith })));
  return c;
}

const META = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=/;
const REDIRECT = /^(?:\d+|\{[A-Za-z_][A-Za-z0-9_]*\})?(?:<<<|<<-|<<|<>|<&|>&|>>|>\||&>>|&>|<|>)/;
const ARITH_TEST = new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge']);
/** Reserved words that leave the parser expecting a command name. */
const LEADING = new Set(['if', 'then', 'elif', 'else', 'do', 'while', 'until', '!', 'time', '{']);
const CLOSING = new Set(['fi', 'done', 'esac', '}']);

const ANSI_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

class Lexer {
  i = 0;
  readonly at: Context[];
  readonly commands: SimpleCommand[] = [];
  readonly heredocs: Heredoc[] = [];
  readonly params: Param[] = [];
  private pending: Omit<Heredoc, 'bodyStart' | 'bodyEnd'>[] = [];
  /** > 0 while inside backticks: an unescaped ` ends the innermost one. */
  private backticks = 0;

  constructor(readonly s: string) {
    this.at = new Array<Context>(s.length).fill(ctx('plain', 0, false));
  }

  private mark(from: number, to: number, c: Context): void {
    for (let k = from; k < to && k < this.s.length; k++) this.at[k] = c;
  }

  private markArith(from: number, to: number): void {
    for (let k = from; k < to; k++) {
      const c = this.at[k] as Context;
      this.at[k] = ctx(c.quote, c.depth, true);
    }
  }

  /** A list of commands until `term` (consumed) or the end of the text. */
  list(depth: number, term: ')' | '`' | null): void {
    const s = this.s;
    const plain = ctx('plain', depth, false);
    let cur: SimpleCommand | null = null;
    let atStart = true;
    let mode: 'normal' | 'skip' | 'case-head' | 'pattern' | 'cond' = 'normal';
    let cases = 0;
    let condPrev: Word | null = null;
    let condArithNext = false;
    const end = (): void => {
      if (cur) {
        const last = cur.words[cur.words.length - 1] ?? cur.assignments[cur.assignments.length - 1];
        cur.end = last ? last.end : cur.start;
        this.commands.push(cur);
      }
      cur = null;
      atStart = true;
    };
    const command = (at: number): SimpleCommand => (cur ??= { start: at, end: at, assignments: [], words: [], depth });

    while (this.i < s.length) {
      const c = s[this.i] as string;
      if ((term === ')' && c === ')' && mode !== 'pattern' && mode !== 'cond') || (term === '`' && c === '`')) {
        end();
        this.at[this.i] = ctx('plain', Math.max(0, depth - 1), false);
        this.i++;
        return;
      }
      if (c === ' ' || c === '\t') {
        this.at[this.i++] = plain;
        continue;
      }
      if (c === '\\' && s[this.i + 1] === '\n') {
        this.mark(this.i, this.i + 2, plain);
        this.i += 2;
        continue;
      }
      if (c === '\n') {
        this.at[this.i++] = plain;
        end();
        if (mode === 'skip') mode = 'normal';
        this.readHeredocBodies(depth);
        continue;
      }
      if (c === '#') {
        const nl = s.indexOf('\n', this.i);
        const stop = nl < 0 ? s.length : nl;
        this.mark(this.i, stop, ctx('comment', depth, false));
        this.i = stop;
        continue;
      }
      if (c === ';') {
        const op = /^;;&|^;;|^;&|^;/.exec(s.slice(this.i, this.i + 3))?.[0] ?? ';';
        this.mark(this.i, this.i + op.length, plain);
        this.i += op.length;
        end();
        if (op !== ';' && cases > 0) mode = 'pattern';
        else if (mode === 'skip') mode = 'normal';
        continue;
      }
      const redirect = REDIRECT.exec(s.slice(this.i, this.i + 40));
      if ((c === '<' || c === '>') && s[this.i + 1] === '(') {
        // Process substitution: an argument word whose inside is a command list one level deeper.
        const start = this.i;
        this.mark(this.i, this.i + 2, plain);
        this.i += 2;
        this.list(depth + 1, ')');
        if (mode !== 'cond') {
          command(start).words.push({ raw: s.slice(start, this.i), start, end: this.i, value: null });
          atStart = false;
        }
        continue;
      }
      if (redirect && mode !== 'cond') {
        this.redirection(depth, redirect[0]);
        continue;
      }
      if (c === '&' || c === '|') {
        const op = /^(?:&&|\|\||\|&|&|\|)/.exec(s.slice(this.i, this.i + 2))?.[0] ?? c;
        this.mark(this.i, this.i + op.length, plain);
        this.i += op.length;
        if (mode === 'pattern' || mode === 'cond') continue;
        end();
        continue;
      }
      if (c === '(') {
        if (mode === 'pattern' || mode === 'cond') {
          this.at[this.i++] = plain;
          continue;
        }
        if (atStart && cur === null && s[this.i + 1] === '(') {
          this.mark(this.i, this.i + 2, plain);
          this.i += 2;
          this.arith(depth, 'plain', '))');
          atStart = false;
          continue;
        }
        const fn = /^\(\s*\)/.exec(s.slice(this.i));
        const words = (cur as SimpleCommand | null)?.words;
        if (fn && words && words.length === 1) {
          // `name() { … }`: a function definition, not a command named `name`.
          this.mark(this.i, this.i + fn[0].length, plain);
          this.i += fn[0].length;
          cur = null;
          atStart = true;
          continue;
        }
        end();
        this.at[this.i++] = plain;
        this.list(depth, ')');
        atStart = false;
        continue;
      }
      if (c === ')') {
        this.at[this.i++] = plain;
        if (mode === 'pattern') {
          mode = 'normal';
          atStart = true;
        }
        continue;
      }

      const w = this.word(depth);
      if (w.end === w.start) {
        // A character no rule consumed (a stray backtick outside backticks is read as one by word()).
        this.at[this.i++] = plain;
        continue;
      }
      const bare = w.value !== null && w.value === w.raw ? w.value : null;
      if (mode === 'pattern') {
        if (bare === 'esac') {
          cases--;
          mode = 'normal';
          atStart = false;
        }
        continue;
      }
      if (mode === 'case-head') {
        if (bare === 'in') mode = 'pattern';
        continue;
      }
      if (mode === 'skip') {
        if (bare === 'do') {
          mode = 'normal';
          atStart = true;
        }
        continue;
      }
      if (mode === 'cond') {
        if (bare === ']]') {
          mode = 'normal';
          atStart = false;
          condPrev = null;
          condArithNext = false;
          continue;
        }
        if (bare !== null && ARITH_TEST.has(bare)) {
          if (condPrev) this.markArith(condPrev.start, condPrev.end);
          condArithNext = true;
        } else if (condArithNext) {
          this.markArith(w.start, w.end);
          condArithNext = false;
        }
        condPrev = w;
        continue;
      }
      if (atStart && cur === null && bare !== null) {
        if (LEADING.has(bare)) continue;
        if (CLOSING.has(bare)) {
          if (bare === 'esac') cases--;
          atStart = false;
          continue;
        }
        if (bare === 'for' || bare === 'select') {
          this.skipBlanks(plain);
          if (s.startsWith('((', this.i)) {
            this.mark(this.i, this.i + 2, plain);
            this.i += 2;
            this.arith(depth, 'plain', '))');
          } else mode = 'skip';
          continue;
        }
        if (bare === 'case') {
          cases++;
          mode = 'case-head';
          continue;
        }
        if (bare === '[[') {
          mode = 'cond';
          continue;
        }
        if (bare === 'function') {
          this.skipBlanks(plain);
          this.word(depth);
          const fn = /^[ \t]*\(\s*\)/.exec(s.slice(this.i));
          if (fn) {
            this.mark(this.i, this.i + fn[0].length, plain);
            this.i += fn[0].length;
          }
          continue;
        }
      }
      const cmd = command(w.start);
      if (cmd.words.length === 0 && ASSIGNMENT.test(w.raw)) {
        cmd.assignments.push(w);
        continue;
      }
      cmd.words.push(w);
      atStart = false;
      this.arithArguments(cmd, w);
    }
    end();
  }

  /** `let` arguments and `declare -i`/`typeset -i`/`local -i` values are evaluated as arithmetic. */
  private arithArguments(cmd: SimpleCommand, w: Word): void {
    const name = cmd.words[0]?.value;
    if (cmd.words.length < 2) return;
    if (name === 'let') this.markArith(w.start, w.end);
    else if (name === 'declare' || name === 'typeset' || name === 'local' || name === 'readonly' || name === 'export') {
      const integer = cmd.words.some((x) => x.value !== null && /^-[a-zA-Z]*i/.test(x.value));
      const eq = w.raw.indexOf('=');
      if (integer && eq > 0 && NAME.exec(w.raw)?.[0].length === eq) this.markArith(w.start + eq + 1, w.end);
    }
  }

  private skipBlanks(c: Context): void {
    while (this.s[this.i] === ' ' || this.s[this.i] === '\t') this.at[this.i++] = c;
  }

  private redirection(depth: number, op: string): void {
    const plain = ctx('plain', depth, false);
    const start = this.i;
    this.mark(this.i, this.i + op.length, plain);
    this.i += op.length;
    this.skipBlanks(plain);
    const here = /<<-?$/.test(op) && !op.endsWith('<<<');
    const target = this.word(depth);
    if (here && target.end > target.start) {
      const quoted = /['"\\]/.test(target.raw);
      const delim = target.value ?? target.raw.replace(/['"\\]/g, '');
      this.pending.push({ op: start, delim, quoted, strip: op.endsWith('-') });
    }
  }

  private readHeredocBodies(depth: number): void {
    const s = this.s;
    const pending = this.pending;
    this.pending = [];
    for (const h of pending) {
      const bodyStart = this.i;
      let bodyEnd = s.length;
      let after = s.length;
      let k = this.i;
      while (k < s.length) {
        const nl = s.indexOf('\n', k);
        const lineEnd = nl < 0 ? s.length : nl;
        const line = s.slice(k, lineEnd);
        if ((h.strip ? line.replace(/^\t+/, '') : line) === h.delim) {
          bodyEnd = k;
          after = nl < 0 ? s.length : nl + 1;
          break;
        }
        k = lineEnd + 1;
      }
      if (h.quoted) this.mark(bodyStart, bodyEnd, ctx('quoted-heredoc', depth, false));
      else {
        const q = ctx('heredoc', depth, false);
        this.i = bodyStart;
        while (this.i < bodyEnd) {
          const c = s[this.i];
          if (c === '\\' && /[$`\\\n]/.test(s[this.i + 1] ?? '')) {
            this.mark(this.i, this.i + 2, q);
            this.i += 2;
          } else if (c === '$' && this.dollar(depth, 'heredoc')) continue;
          else if (c === '`') this.backtick(depth, q);
          else this.at[this.i++] = q;
        }
      }
      this.mark(bodyEnd, after, ctx('plain', depth, false));
      this.heredocs.push({ ...h, bodyStart, bodyEnd });
      this.i = Math.max(this.i, after);
    }
  }

  /** One shell word (quotes, expansions and all), from this.i. */
  word(depth: number): Word {
    const s = this.s;
    const start = this.i;
    const plain = ctx('plain', depth, false);
    let value: string | null = '';
    const add = (t: string): void => {
      if (value !== null) value += t;
    };
    while (this.i < s.length) {
      const c = s[this.i] as string;
      if (META.has(c)) break;
      if (c === '`' && this.backticks > 0) break;
      if (c === '\\') {
        this.mark(this.i, this.i + 2, plain);
        if (s[this.i + 1] !== '\n') add(s[this.i + 1] ?? '');
        this.i += 2;
      } else if (c === "'") {
        const close = s.indexOf("'", this.i + 1);
        const stop = close < 0 ? s.length : close + 1;
        this.mark(this.i, stop, ctx('single', depth, false));
        add(s.slice(this.i + 1, close < 0 ? s.length : close));
        this.i = stop;
      } else if (c === '$' && s[this.i + 1] === "'") {
        add(this.ansi(depth));
      } else if (c === '$' && s[this.i + 1] === '"') {
        this.at[this.i++] = plain;
        const v = this.double(depth);
        if (v === null) value = null;
        else add(v);
      } else if (c === '"') {
        const v = this.double(depth);
        if (v === null) value = null;
        else add(v);
      } else if (c === '`') {
        this.backtick(depth, plain);
        value = null;
      } else if (c === '$') {
        if (this.dollar(depth, 'plain')) value = null;
        else {
          this.at[this.i++] = plain;
          add('$');
        }
      } else if (c === '[' && this.i > start && NAME.exec(s.slice(start, this.i))?.[0].length === this.i - start && /^\[[^\]\n]*\]\+?=/.test(s.slice(this.i))) {
        // An array subscript in an assignment is arithmetic.
        const close = s.indexOf(']', this.i);
        this.mark(this.i, close + 1, ctx('plain', depth, true));
        add(s.slice(this.i, close + 1));
        this.i = close + 1;
      } else if (c === '=' && s[this.i + 1] === '(' && /^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?$/.test(s.slice(start, this.i))) {
        // `a=(x y z)`: a compound assignment, one word.
        this.mark(this.i, this.i + 2, plain);
        this.i += 2;
        while (this.i < s.length && s[this.i] !== ')') {
          if (/[ \t\n]/.test(s[this.i] as string)) this.at[this.i++] = plain;
          else if (this.word(depth).end === this.i) this.at[this.i++] = plain;
        }
        if (this.i < s.length) this.at[this.i++] = plain;
        value = null;
      } else {
        this.at[this.i++] = plain;
        add(c);
      }
    }
    return { raw: s.slice(start, this.i), start, end: this.i, value };
  }

  /** `$'…'` from this.i; returns the decoded value. */
  private ansi(depth: number): string {
    const s = this.s;
    const start = this.i;
    let k = this.i + 2;
    let out = '';
    while (k < s.length && s[k] !== "'") {
      if (s[k] === '\\' && k + 1 < s.length) {
        const e = s[k + 1] as string;
        const hex = /^x([0-9a-fA-F]{1,2})/.exec(s.slice(k + 1, k + 4));
        const oct = /^[0-7]{1,3}/.exec(s.slice(k + 1, k + 4));
        if (hex) {
          out += String.fromCharCode(parseInt(hex[1] as string, 16));
          k += 1 + hex[0].length;
        } else if (oct) {
          out += String.fromCharCode(parseInt(oct[0], 8));
          k += 1 + oct[0].length;
        } else {
          out += ANSI_ESCAPES[e] ?? `\\${e}`;
          k += 2;
        }
      } else out += s[k++];
    }
    const stop = Math.min(k + 1, s.length);
    this.mark(start, stop, ctx('ansi', depth, false));
    this.i = stop;
    return out;
  }

  /** `"…"` from this.i; returns the value, or null when it has an expansion. */
  private double(depth: number): string | null {
    const s = this.s;
    const q = ctx('double', depth, false);
    this.at[this.i++] = q;
    let value: string | null = '';
    while (this.i < s.length) {
      const c = s[this.i] as string;
      if (c === '"') {
        this.at[this.i++] = q;
        break;
      }
      if (c === '`' && this.backticks > 0) break;
      if (c === '\\') {
        const next = s[this.i + 1] ?? '';
        if (/[$`"\\\n]/.test(next)) {
          this.mark(this.i, this.i + 2, q);
          if (next !== '\n' && value !== null) value += next;
          this.i += 2;
        } else {
          this.at[this.i++] = q;
          if (value !== null) value += '\\';
        }
      } else if (c === '$') {
        if (this.dollar(depth, 'double')) value = null;
        else {
          this.at[this.i++] = q;
          if (value !== null) value += '$';
        }
      } else if (c === '`') {
        this.backtick(depth, q);
        value = null;
      } else {
        this.at[this.i++] = q;
        if (value !== null) value += c;
      }
    }
    return value;
  }

  /** `` `…` `` from this.i: a command list one level deeper. */
  private backtick(depth: number, outer: Context): void {
    this.at[this.i++] = outer;
    this.backticks++;
    this.list(depth + 1, '`');
    this.backticks--;
    this.at[this.i - 1] = outer;
  }

  /** An expansion starting with `$` at this.i, in quote context `quote`; false (nothing consumed) for a literal `$`. */
  private dollar(depth: number, quote: Quote): boolean {
    const s = this.s;
    const outer = ctx(quote, depth, false);
    const next = s[this.i + 1];
    const start = this.i;
    if (next === '(' && s[this.i + 2] === '(') {
      this.mark(this.i, this.i + 3, outer);
      this.i += 3;
      this.arith(depth, quote, '))');
      return true;
    }
    if (next === '(') {
      this.mark(this.i, this.i + 2, outer);
      this.i += 2;
      this.list(depth + 1, ')');
      this.at[this.i - 1] = outer;
      return true;
    }
    if (next === '[') {
      this.mark(this.i, this.i + 2, outer);
      this.i += 2;
      this.arith(depth, quote, ']');
      return true;
    }
    if (next === '{') {
      this.brace(depth, quote);
      return true;
    }
    const name = NAME.exec(s.slice(this.i + 1, this.i + 257))?.[0] ?? (next !== undefined && /[0-9@*#?$!-]/.test(next) ? next : undefined);
    if (name === undefined) return false;
    this.mark(this.i, this.i + 1 + name.length, outer);
    this.i += 1 + name.length;
    this.params.push({ name, start, end: this.i });
    return true;
  }

  /** `${…}` from this.i. */
  private brace(depth: number, quote: Quote): void {
    const s = this.s;
    const q = ctx(quote, depth, false);
    const start = this.i;
    this.mark(this.i, this.i + 2, q);
    this.i += 2;
    const m = /^[#!]?([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])/.exec(s.slice(this.i, this.i + 258));
    if (m) {
      this.mark(this.i, this.i + m[0].length, q);
      this.i += m[0].length;
    }
    if (m && s[this.i] === '[') {
      const open = this.i;
      this.at[this.i++] = q;
      this.arith(depth, quote, ']');
      if (s.slice(open, this.i) === '[@]' || s.slice(open, this.i) === '[*]') this.mark(open, this.i, q);
    }
    // `${s:offset}`, `${s:offset:length}` (`${s: -1}` too): both are arithmetic. `${s:-x}`, `:=`, `:?`, `:+`
    // are not.
    if (m && s[this.i] === ':' && !/[-=?+]/.test(s[this.i + 1] ?? '')) {
      this.at[this.i++] = q;
      this.arith(depth, quote, '}');
      this.params.push({ name: m[1] as string, start, end: this.i });
      return;
    }
    let level = 0;
    while (this.i < s.length) {
      const c = s[this.i] as string;
      if (c === '}' && level === 0) {
        this.at[this.i++] = q;
        break;
      }
      if (c === '{') level++;
      if (c === '}') level--;
      if (c === '\\') {
        this.mark(this.i, this.i + 2, q);
        this.i += 2;
      } else if (c === "'" && quote === 'plain') {
        const close = s.indexOf("'", this.i + 1);
        const stop = close < 0 ? s.length : close + 1;
        this.mark(this.i, stop, ctx('single', depth, false));
        this.i = stop;
      } else if (c === "'") {
        // In "${x:-'…'}" bash pairs the apostrophes (an odd one is a syntax error) but keeps them as text,
        // and expands what is between them.
        const close = s.indexOf("'", this.i + 1);
        const stop = close < 0 ? s.length : close + 1;
        this.at[this.i++] = q;
        while (this.i < stop) {
          if (s[this.i] === '$' && this.dollar(depth, quote)) continue;
          this.at[this.i++] = q;
        }
      } else if (c === '"') this.double(depth);
      else if (c === '$') {
        if (!this.dollar(depth, quote)) this.at[this.i++] = q;
      } else if (c === '`') this.backtick(depth, q);
      else this.at[this.i++] = q;
    }
    if (m) this.params.push({ name: m[1] as string, start, end: this.i });
  }

  /** Arithmetic from this.i up to `close` (consumed): quotes do not quote here, expansions still happen. */
  private arith(depth: number, quote: Quote, close: '))' | ']' | '}'): void {
    const s = this.s;
    const a = ctx(quote, depth, true);
    let parens = 0;
    while (this.i < s.length) {
      const c = s[this.i] as string;
      if (parens === 0 && s.startsWith(close, this.i)) {
        this.mark(this.i, this.i + close.length, ctx(quote, depth, false));
        this.i += close.length;
        return;
      }
      if (c === '(') parens++;
      else if (c === ')') parens--;
      if (c === '\\') {
        this.mark(this.i, this.i + 2, a);
        this.i += 2;
      } else if (c === '$') {
        const from = this.i;
        if (!this.dollar(depth, quote)) this.at[this.i++] = a;
        else this.markArith(from, this.i);
      } else if (c === '`') {
        const from = this.i;
        this.backtick(depth, a);
        this.markArith(from, from + 1);
      } else this.at[this.i++] = a;
    }
  }
}

/** Lex shell text (bash). Never throws: unterminated constructs run to the end of the text. */
export function lex(text: string): Lexed {
  const l = new Lexer(text);
  l.list(0, null);
  return { at: l.at, commands: l.commands, heredocs: l.heredocs, params: l.params };
}
