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
      for (const w of [5, 12, 40]) {
        const t = truncate(s, w);
        expect(stringWidth(t), `${s} @${w}`).toBeLessThanOrEqual(w);
        if (stringWidth(s) > w) expect(t.endsWith('…')).toBe(true);
        else expect(t).toBe(s);
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
    const pieces = ['a', 'bb', 'word', 'longerword', 'x'.repeat(25), ' ', ' ', '  ', '\u00a0', '\u202f', 'é', '—', '…', '─', 'Ω', '\u2126', 'ℹ', '·'];
    for (let i = 0; i < 3000; i++) {
      let s = '';
      const n = rnd(14);
      for (let j = 0; j < n; j++) s += pieces[rnd(pieces.length)];
      const width = 10 + rnd(25);
      expect(wrapLine(s, width), JSON.stringify([s, width])).toEqual(wrapAnsi(s, width, { hard: false, trim: true }).split('\n'));
    }
  });
});
