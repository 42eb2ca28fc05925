// Display widths without string-width for the text most runs print (src/ui/wrap.ts NARROW): every character
// the fast path admits must be one column for string-width and a grapheme of its own, so that a string of
// them is as wide as it is long. If string-width or Node's Unicode data changes its mind, this fails.
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import { describe, expect, it } from 'vitest';
import { NARROW, displayWidth, truncate, wrapLine } from '../../../src/ui/wrap.js';

const segmenter = new Intl.Segmenter();
const graphemes = (s: string): number => [...segmenter.segment(s)].length;

describe('the one-column fast path', () => {
  const admitted: string[] = [];
  for (let cp = 0; cp <= 0xffff; cp++) {
    const c = String.fromCharCode(cp);
    if (NARROW.test(c)) admitted.push(c);
  }

  it('admits printable ASCII, the UI glyphs and common prose punctuation, and nothing wide, joining or invisible', () => {
    expect(admitted.length).toBeGreaterThan(3500);
    for (const c of ' ~…·—–→─│┌└├┼✔✘☐☑⚠⏱▶●■×§²éßçñøΩжЖ') expect(NARROW.test(c), c).toBe(true);
    // Wide (emoji presentation, CJK), joining (marks, ZWJ, variation selector), invisible or control.
    for (const c of ['⚡', '✅', '中', 'ｱ', '\u0301', '\u200d', '\ufe0f', '\u00ad', '\u200b', '\u2028', '\t', '\x1b', '\x7f', '\u{1F600}']) expect(NARROW.test(c), `U+${c.codePointAt(0)?.toString(16)}`).toBe(false);
  });

  it('every admitted character is one column for string-width and stays a grapheme of its own beside any other', () => {
    const wrong: string[] = [];
    for (const c of admitted) {
      const alone = c === ' ' ? 1 : stringWidth(c);
      if (alone !== 1 || stringWidth(`a${c}${c}a`) !== 4 || graphemes(`a${c}a`) !== 3 || graphemes(`${c}${c}`) !== 2) wrong.push(`U+${(c.codePointAt(0) ?? 0).toString(16)}`);
    }
    expect(wrong).toEqual([]);
  });

  // truncate as it reads with the libraries alone: graphemes kept while they fit in width - 1, then an ellipsis.
  const reference = (s: string, width: number): string => {
    if (Number.isNaN(width)) return '';
    if (stringWidth(s) <= width) return s;
    if (width <= 0) return '';
    let out = '';
    let used = 0;
    for (const { segment } of segmenter.segment(s)) {
      if (used + stringWidth(segment) > width - 1) break;
      out += segment;
      used += stringWidth(segment);
    }
    return `${out}…`;
  };

  it('colour codes and other escapes are removed as string-width removes them', () => {
    for (const s of ['─\x1b7E', 'é\x1b7E', '\x1b9L✁', '\x1b[1m─ ok ✔\x1b[22m', '\x1b]8;;http://x\x07link\x1b]8;;\x07 →', '\u009b31m…']) {
      expect(displayWidth(s), JSON.stringify(s)).toBe(stringWidth(s));
    }
  });

  it('displayWidth, truncate and wrapLine give what the libraries give', () => {
    const samples = [
      '─── step 1.1 ✔ done · 3 commands → next …',
      'Ελληνικά και русский — «quotes» ¿qué? naïve café',
      '☐ check the dashboard ⚠ before ⏱ 5m',
      ' \u00a0padded with a no-break space\u00a0 ',
      'mixed ⚡ wide 中文 and é\u0301 combining',
    ];
    for (const s of samples) {
      expect(displayWidth(s), s).toBe(stringWidth(s));
      for (const w of [Number.NaN, -1, 0, 1, 2, 5, 12, 40]) {
        const t = truncate(s, w);
        expect(t, `${s} @${w}`).toBe(reference(s, w));
        if (w >= 0) expect(stringWidth(t), `${s} @${w}`).toBeLessThanOrEqual(w);
      }
      expect(wrapLine(s, 200), s).toEqual(wrapAnsi(s, 200, { hard: false, trim: true }).split('\n'));
    }
  });
});

describe('wrapLine without the wrapping library', () => {
  it('wraps uncoloured text exactly as wrap-ansi does, on random lines of words, spaces and no-break spaces', () => {
    // A seeded generator: the same cases every run.
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    // Ω (U+2126) and e + U+0301 change under NFC, which wrap-ansi applies first.
    const pieces = ['a', 'bb', 'word', 'longerword', 'x'.repeat(25), ' ', ' ', '  ', '\u00a0', '\u202f', 'é', 'e\u0301', '—', '…', '─', 'Ω', '\u2126', 'ℹ', '·'];
    for (let i = 0; i < 3000; i++) {
      let s = '';
      const n = rnd(14);
      for (let j = 0; j < n; j++) s += pieces[rnd(pieces.length)];
      // wrapLine never wraps narrower than 10 columns.
      const asked = rnd(35);
      const width = Math.max(10, asked);
      expect(wrapLine(s, asked), JSON.stringify([s, asked])).toEqual(wrapAnsi(s, width, { hard: false, trim: true }).split('\n'));
    }
  });
});
