// Terminal width: display widths (CJK and emoji count 2), prose wrapped at word boundaries with inline
// Markdown rendered, and cells shortened to fit. Pure strings; neutralising escapes is a separate step.
import type StringWidth from 'string-width';
import type WrapAnsi from 'wrap-ansi';
import { stripAnsi, type Style } from './style.js';

// string-width and wrap-ansi are loaded on first use, through require(): the bundler (scripts/build.mjs) then
// wraps them in an initialiser run at that first call instead of at start-up. Their top level builds an
// Intl.Segmenter, East Asian width tables and Unicode-property regexes: ~35 ms of every `run --yes` and
// `list` in a --cpu-prof profile, for text that is almost always printable ASCII (measured without them).
// (Vitest runs the sources with Node's require of ES modules.)
let sw: typeof StringWidth | undefined;
let wa: typeof WrapAnsi | undefined;
const stringWidth = (s: string): number => (sw ??= (require('string-width') as { default: typeof StringWidth }).default)(s);
const wrapAnsi = (s: string, columns: number, options: Parameters<typeof WrapAnsi>[2]): string =>
  (wa ??= (require('wrap-ansi') as { default: typeof WrapAnsi }).default)(s, columns, options);

/** Columns to lay out for: $COLUMNS when set, else the terminal's width, else undefined (a pipe or a file). */
export function columnsOf(env: NodeJS.ProcessEnv, stream: NodeJS.WritableStream): number | undefined {
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  const tty = stream as NodeJS.WriteStream;
  return tty.isTTY && tty.columns > 0 ? tty.columns : undefined;
}

// Most text is one column a character: printable ASCII, and the UI's own glyphs and the punctuation, Latin,
// Greek and Cyrillic letters runbooks are written in. string-width's first call on anything else builds an
// Intl.Segmenter and compiles \p{RGI_Emoji} (~60 ms of a run's start-up, measured with --cpu-prof), so it is
// asked only about the rest. The class below holds the assigned characters of U+00A0-U+058F and
// U+2010-U+2BFF (line and paragraph separators and U+205F left out) that string-width counts as one column
// and that stay a grapheme of their own beside any other: a string of them is as wide as it is long.
// test/unit/ui/width.test.ts checks each one against string-width and Intl.Segmenter, so a new string-width
// that disagrees fails there.
export const NARROW =
  /^[\x20-\x7e\u00a0-\u00ac\u00ae-\u02ff\u0370-\u0377\u037a-\u037f\u0384-\u038a\u038c\u038e-\u03a1\u03a3-\u0482\u048a-\u052f\u0531-\u0556\u0559-\u058a\u058d-\u058f\u2010-\u2027\u202f-\u205e\u2070\u2071\u2074-\u208e\u2090-\u209c\u20a0-\u20c1\u2100-\u218b\u2190-\u2319\u231c-\u2328\u232b-\u23e8\u23ed-\u23ef\u23f1\u23f2\u23f4-\u2429\u2440-\u244a\u2460-\u25fc\u25ff-\u2613\u2616-\u262f\u2638-\u2647\u2654-\u267e\u2680-\u2689\u2690-\u2692\u2694-\u26a0\u26a2-\u26a9\u26ac-\u26bc\u26bf-\u26c3\u26c6-\u26cd\u26cf-\u26d3\u26d5-\u26e9\u26eb-\u26f1\u26f4\u26f6-\u26f9\u26fb\u26fc\u26fe-\u2704\u2706-\u2709\u270c-\u2727\u2729-\u274b\u274d\u274f-\u2752\u2756\u2758-\u2794\u2798-\u27af\u27b1-\u27be\u27c0-\u2b1a\u2b1d-\u2b4f\u2b51-\u2b54\u2b56-\u2b73\u2b76-\u2bff]*$/;

/** Display width in terminal columns, colour codes ignored. */
export function displayWidth(s: string): number {
  if (typeof s !== 'string') return 0; // a field missing from a damaged event is drawn as nothing
  const plain = stripAnsi(s); // as string-width removes them
  return NARROW.test(plain) ? plain.length : stringWidth(s);
}

let segmenter: Intl.Segmenter | undefined;

/** Cut to at most `width` columns, ending with … when shortened; never splits a character or an emoji. */
export function truncate(s: string, width: number): string {
  if (Number.isNaN(width)) return '';
  if (NARROW.test(s)) return s.length <= width ? s : width <= 0 ? '' : `${s.slice(0, width - 1)}…`;
  if (stringWidth(s) <= width) return s;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of segmenter.segment(s)) {
    const w = stringWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}

/**
 * Inline Markdown as terminal text: **bold** and __bold__ in bold, `code` in cyan, *emphasis* without its
 * markers, [text](url) as "text (url)", <url> and images as text.
 */
export function renderInline(md: string, style: Style): string {
  const codes: string[] = [];
  // Code spans first: nothing inside them is Markdown.
  let s = md.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_m, _t: string, code: string) => {
    const inner = code.trim() === '' ? code : code.replace(/^ (.*) $/s, '$1');
    // Without colour the backticks are what marks code.
    codes.push(style.color ? style.cyan(inner) : `\`${inner}\``);
    return `\u0000${codes.length - 1}\u0000`;
  });
  s = s
    .replace(/!\[([^\]]*)\]\([^)\s]*(?:\s+"[^"]*")?\)/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, (_m, text: string, url: string) => (text === url ? url : `${text} (${url})`))
    .replace(/<((?:https?|mailto):[^>\s]+)>/g, '$1')
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, (_m, t: string) => style.bold(t))
    .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, (_m, pre: string, t: string) => pre + style.bold(t))
    .replace(/(^|[^\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])/g, '$1$2')
    .replace(/(^|[^\w])_(?=[^\s_])([^_\n]*?[^\s_])_(?!\w)/g, '$1$2')
    .replace(/\\([\\`*_{}[\]()#+\-.!<>|])/g, '$1');
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => codes[Number(i)] ?? '');
}

/**
 * Wrap at word boundaries to `width` columns; a word longer than a line (a URL) is kept whole. Text in
 * scripts written without spaces (Chinese, Japanese) may break between any two characters, so a line of it
 * that is still too wide is cut by width. Without a width (a pipe or a file) the line is left as it is.
 */
export function wrapLine(text: string, width: number | undefined): string[] {
  if (width === undefined) return [text];
  const w = Math.max(10, width);
  const plain = text.includes('\n') ? undefined : wrapPlain(text, w);
  if (plain) return plain;
  return wrapAnsi(text, w, { hard: false, trim: true })
    .split('\n')
    .flatMap((line) => (stringWidth(line) > w && WIDE.test(line) ? wrapAnsi(line, w, { hard: true, trim: true }).split('\n') : [line]));
}

/**
 * What wrap-ansi (hard: false, trim: true) gives for one line of uncoloured NARROW text, without loading it:
 * its top level builds an Intl.Segmenter (~16 ms, the first one of a process). Its steps, one for one: the
 * text normalised, split at spaces, each row's leading whitespace trimmed before a word is added, a word
 * that does not fit starting a new row, trailing spaces dropped. test/unit/ui/width.test.ts compares the two
 * on random text. Undefined for anything else (colour codes, other characters): the library decides.
 */
function wrapPlain(text: string, columns: number): string[] | undefined {
  const s = text.normalize();
  if (!NARROW.test(s)) return undefined;
  if (s.trim() === '') return [''];
  const rows = [''];
  let rowLength = 0;
  let trimmedRow = -1;
  let first = true;
  for (const word of s.split(' ')) {
    let last = rows.length - 1;
    if (trimmedRow !== last) {
      const row = rows[last] as string;
      const trimmed = row.trimStart();
      if (trimmed.length !== row.length) {
        rows[last] = trimmed;
        rowLength = trimmed.length;
      }
      if (trimmed.length > 0) trimmedRow = last;
    }
    if (first) first = false;
    else if (rowLength > 0) {
      rows[last] += ' ';
      rowLength++;
    }
    if (rowLength + word.length > columns && rowLength > 0 && word.length > 0) {
      rows.push('');
      last++;
      rowLength = 0;
    }
    rows[last] += word;
    rowLength += word.length;
  }
  return rows.map((row) => {
    let end = row.length;
    while (end > 0 && row[end - 1] === ' ') end--;
    return row.slice(0, end);
  });
}

// Han, Hiragana, Katakana and Hangul: no spaces between words, a line may break anywhere.
const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

const ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;

/**
 * A run of Markdown prose for the terminal: paragraphs and list items re-flowed to `width` (a list item's
 * lines hang under its text), headings in bold, quotes behind a bar, tables and indented code left as written.
 * `width` undefined: inline Markdown is rendered, lines are not re-flowed.
 */
export function renderProse(md: string, style: Style, width: number | undefined, indent = ''): string {
  const out: string[] = [];
  for (const block of md.split(/\n[ \t]*\n/)) {
    if (out.length) out.push('');
    const lines = block.split('\n');
    if (lines.every((l) => /^\s*\|/.test(l) || /^( {4}|\t)/.test(l))) {
      out.push(...lines.map((l) => indent + l));
      continue;
    }
    // Items: a list item, heading or quote line starts one; other lines continue the current one.
    const items: { lead: string; hang: string; text: string; heading: boolean }[] = [];
    for (const line of lines) {
      const item = ITEM.exec(line);
      const heading = /^#{1,6}\s+(.*)$/.exec(line);
      const quote = /^\s*>\s?(.*)$/.exec(line);
      if (item) {
        const lead = `${item[1]}${item[2]} `;
        items.push({ lead, hang: ' '.repeat(displayWidth(lead)), text: item[3] as string, heading: false });
      } else if (heading) items.push({ lead: '', hang: '', text: heading[1] as string, heading: true });
      else if (quote && (items.length === 0 || !items[items.length - 1]?.lead.startsWith('│'))) items.push({ lead: '│ ', hang: '│ ', text: quote[1] as string, heading: false });
      else if (items.length === 0 || items[items.length - 1]?.heading) items.push({ lead: '', hang: '', text: line.trim(), heading: false });
      else {
        const last = items[items.length - 1] as (typeof items)[number];
        last.text += ` ${(quote && last.lead.startsWith('│') ? (quote[1] as string) : line).trim()}`;
      }
    }
    for (const it of items) {
      const text = renderInline(it.text, style);
      const shown = it.heading ? style.bold(text) : text;
      if (width === undefined) {
        out.push(`${indent}${it.lead}${shown}`);
        continue;
      }
      const wrapped = wrapLine(shown, width - displayWidth(indent + it.hang));
      wrapped.forEach((l, i) => out.push(`${indent}${i === 0 ? it.lead : it.hang}${l}`));
    }
  }
  return out.join('\n');
}
