import { describe, expect, it } from 'vitest';
import { createOutputFilter, neutralize, neutralizeDeep, neutralizeOutput, terminalJson, terminalJsonPieces } from '../../../src/ui/neutralize.js';

/** What writeJson writes: the pieces, one after the other. */
const terminalJsonLine = (value: unknown, indent?: number): Buffer => Buffer.concat([...terminalJsonPieces(value, indent)]);

// Every class of terminal trap, as a runbook, a timeline or a value could carry it.
const ESC = '\u001b';
const TRAPS: Record<string, string> = {
  'CSI cursor move and erase': `touch X # ${ESC}[3G${ESC}[K$ uptime`,
  'OSC 0 window title, BEL': `${ESC}]0;pwned\u0007`,
  'OSC 52 clipboard, ST': `${ESC}]52;c;cm0gLXJmIC8K${ESC}\\`,
  'DCS': `${ESC}P1$r0m${ESC}\\`,
  '8-bit CSI': '\u009b2J',
  'C1 OSC': '\u009d0;title\u009c',
  'lone CR': 'safe\rrm -rf /',
  backspace: 'rm -rf /\b\b\b\b\b\b\b\bls      ',
  BEL: 'ding\u0007',
  'NUL and DEL': 'a\u0000b\u007f',
};
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('neutralize: text from a runbook, a timeline or a value', () => {
  for (const [name, s] of Object.entries(TRAPS)) {
    it(`shows ${name} visibly, with no control left`, () => {
      const out = neutralize(s);
      expect(out).not.toMatch(RAW);
      expect(out).not.toContain('\n');
      expect(out).not.toContain('\r');
      expect(out).not.toBe(s);
    });
  }

  it('draws ESC as ␛, other C0 controls as their pictures and C1 controls as \\x9b', () => {
    expect(neutralize(`${ESC}]0;t\u0007`)).toBe('␛]0;t␇');
    expect(neutralize('\u009b2J')).toBe('\\x9b2J');
    expect(neutralize('a\rb\bc\u007f')).toBe('a␍b␈c␡');
  });

  it('keeps newlines and tabs only for multi-line text, and turns CRLF into a newline there', () => {
    expect(neutralize('a\n\tb\r\nc')).toBe('a␊␉b␍␊c');
    expect(neutralize('a\n\tb\r\nc\rd', { multiline: true })).toBe('a\n\tb\nc␍d');
  });

  it('returns plain text unchanged, Unicode included', () => {
    const s = 'Disk full on db-1 — 98% · ✔ ünïcode 日本';
    expect(neutralize(s)).toBe(s);
  });

  it('neutralizeDeep reaches nested strings, keeps multi-line keys multi-line, and copies only what changed', () => {
    const plain = { a: 'x', list: ['y'] };
    expect(neutralizeDeep(plain)).toBe(plain);
    const ev = { type: 'note', text: `one\ntwo${ESC}[2J`, actor: `eve\n${ESC}]0;x\u0007`, nested: { list: ['\u009b'] } };
    const out = neutralizeDeep(ev, new Set(['text']));
    expect(out).toEqual({ type: 'note', text: 'one\ntwo␛[2J', actor: 'eve␊␛]0;x␇', nested: { list: ['\\x9b'] } });
    expect(ev.actor).toContain(ESC); // the input is not modified
  });
});

describe('command output: colours kept, every other sequence dropped', () => {
  it('keeps SGR colours, newlines, tabs and CR', () => {
    const s = `${ESC}[1;31mERROR${ESC}[0m\tdisk\r\nprogress 10%\rprogress 20%\n`;
    expect(neutralizeOutput(s)).toBe(s);
  });

  it('drops cursor moves, titles, clipboard writes, DCS and 8-bit CSI', () => {
    const s = `a${ESC}[3G${ESC}[Kb${ESC}]0;t\u0007c${ESC}]52;c;QQ==${ESC}\\d${ESC}P1$r${ESC}\\e\u009b2Jf\u009d0;t\u009cg`;
    expect(neutralizeOutput(s)).toBe('abcdefg');
  });

  it('shows a stray control visibly (backspace, BEL, a lone ESC)', () => {
    expect(neutralizeOutput('x\by\u0007z')).toBe('x␈y␇z');
    expect(neutralizeOutput(`${ESC}`)).toBe('␛');
  });

  it('keeps a colour cut between two chunks, and drops a title cut between two chunks', () => {
    const f = createOutputFilter();
    expect(f.write(`red ${ESC}[3`)).toBe('red ');
    expect(f.write(`1mX${ESC}[0m ${ESC}]0;ti`)).toBe(`${ESC}[31mX${ESC}[0m `);
    expect(f.write(`tle\u0007done\n`)).toBe('done\n');
    expect(f.flush()).toBe('');
  });

  it('shows what is still held at the end visibly', () => {
    const f = createOutputFilter();
    expect(f.write(`ok ${ESC}]52;c;QUFB`)).toBe('ok ');
    expect(f.flush()).toBe('␛]52;c;QUFB');
  });
});

describe('terminalJson', () => {
  it('escapes the C1 controls and DEL that JSON.stringify leaves raw, and stays the same JSON', () => {
    const v = { t: `\u009b2J${ESC}[0m\u007f` };
    const s = terminalJson(v);
    expect(s).not.toMatch(RAW);
    expect(JSON.parse(s)).toEqual(v);
  });

  it('as one UTF-8 line: the same text as terminalJson, whichever control hides among other non-ASCII', () => {
    // Every C1 control and DEL, alone and beside Latin-1 (U+00A0–U+00BF share the 0xc2 lead byte), dashes and emoji.
    const controls = ['\u007f', ...Array.from({ length: 32 }, (_, i) => String.fromCharCode(0x80 + i))];
    for (const c of controls) {
      const v = [{ title: `Disk ¡full¿ — 🔥 ${c} at 95°`, tags: ['é', `x${c}`] }];
      expect(terminalJsonLine(v, 2).toString('utf8')).toBe(`${terminalJson(v, 2)}\n`);
      expect(terminalJsonLine(v, 2).toString('utf8')).not.toMatch(RAW);
    }
    const clean = { t: 'Disk ¡full¿ — 🔥 ´µ¶·¸ at 95° ©®' };
    expect(terminalJsonLine(clean).toString('utf8')).toBe(`${JSON.stringify(clean)}\n`);
  });

  it('a long array, made a slice of elements at a time, is byte for byte what JSON.stringify makes of it whole', () => {
    // Elements of every kind JSON.stringify treats apart (undefined and functions become null in an array,
    // toJSON is called, nested arrays and objects are indented deeper), with non-ASCII text among ASCII.
    const element = (i: number): unknown =>
      [
        { id: `rb-${i}`, title: `Disk full — ${i} 🔥`, tags: ['é', 'x'], steps: i, owner: null, nested: [[i], {}, []] },
        undefined,
        () => i,
        { toJSON: () => `as-json-${i}` },
        `plain ${i}`,
        [],
        i,
      ][i % 7];
    for (const n of [0, 1, 63, 64, 65, 128, 129, 1000])
      for (const indent of [2, 4, '\t'] as const) {
        const v = Array.from({ length: n }, (_, i) => element(i));
        expect(terminalJsonLine(v, indent as number).equals(Buffer.from(`${JSON.stringify(v, null, indent)}\n`, 'utf8')), `${n} elements, indent ${JSON.stringify(indent)}`).toBe(true);
      }
    // A control in one slice of a long array is still escaped, in the whole document.
    const v = Array.from({ length: 300 }, (_, i) => ({ t: i === 200 ? 'a\u0085b' : `t${i} —` }));
    expect(terminalJsonLine(v, 2).toString('utf8')).toBe(`${terminalJson(v, 2)}\n`);
    expect(terminalJsonLine(v, 2).toString('utf8')).not.toMatch(RAW);
    // Written as it is made, a slice at a time: never gathered into one buffer, and only the slice with the
    // control is escaped (the others are as JSON.stringify makes them).
    const pieces = [...terminalJsonPieces(v, 2)];
    expect(pieces.length).toBe(1 + Math.ceil(300 / 64));
    expect(pieces.filter((p) => p.includes('\\u0085')).length).toBe(1);
  });
});

describe('command output across chunks', () => {
  it('does not hold back a sequence that is complete at the end of a chunk', () => {
    const f = createOutputFilter();
    expect(f.write(`a${ESC}]0;t${ESC}\\`)).toBe('a');
    expect(f.write(`b${ESC}[0m`)).toBe(`b${ESC}[0m`);
    expect(f.flush()).toBe('');
  });

  it('drops a clipboard write cut anywhere, byte by byte', () => {
    const s = `x${ESC}]52;c;cm0gLXJmIC8K${ESC}\\y${ESC}[32mz${ESC}[0m\n`;
    const f = createOutputFilter();
    const out = [...s].map((ch) => f.write(ch)).join('') + f.flush();
    expect(out).toBe(`xy${ESC}[32mz${ESC}[0m\n`);
  });
});
