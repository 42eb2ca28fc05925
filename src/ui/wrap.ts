// Terminal width: display widths (CJK and emoji count 2), prose wrapped at word boundaries with inline
// Markdown rendered, and cells shortened to fit. Pure strings; neutralising escapes is a separate step.
import type StringWidth from 'string-width';
import type WrapAnsi from 'wrap-ansi';
import type { Style } from './style.js';
import { stripVTControlCharacters } from 'node:util';

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

// Printable ASCII is one column a character. Most text is, and string-width's first call compiles Unicode
// property regexes (~60 ms of a run's start-up, measured with --cpu-prof): it is asked only about the rest.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Display width in terminal columns, colour codes ignored. */
export function displayWidth(s: string): number {
  if (typeof s !== 'string') return 0; // a field missing from a damaged event is drawn as nothing
  const plain = s.includes('\u001b') ? stripVTControlCharacters(s) : s;
  return PRINTABLE_ASCII.test(plain) ? plain.length : stringWidth(s);
}

let segmenter: Intl.Segmenter | undefined;

/** Cut to at most `width` columns, ending with … when shortened; never splits a character or an emoji. */
export function truncate(s: string, width: number): string {
  if (PRINTABLE_ASCII.test(s)) return s.length <= width ? s : width <= 0 ? '' : `${s.slice(0, width - 1)}…`;
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
 * that is still too wide is cut by width.
 */
export function wrapLine(text: string, width: number): string[] {
  const w = Math.max(10, width);
  // A plain line that fits needs no wrapping library (what wrap-ansi would return: the line, trimmed).
  if (!text.includes('\n') && PRINTABLE_ASCII.test(text) && text.trim().length <= w) return [text.trim()];
  return wrapAnsi(text, w, { hard: false, trim: true })
    .split('\n')
    .flatMap((line) => (stringWidth(line) > w && WIDE.test(line) ? wrapAnsi(line, w, { hard: true, trim: true }).split('\n') : [line]));
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
