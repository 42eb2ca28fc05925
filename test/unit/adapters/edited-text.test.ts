// How a command edited in the operator's editor is read back (src/adapters/edited-text.ts): the bundle gives
// inquirer's editor these rules in place of chardet and iconv-lite (scripts/build.mjs). UTF-8 is read here; any
// other file goes to chardet and iconv-lite, loaded from dist/legacy-text.cjs, or is read as Latin-1 where that
// file is not shipped. Run from src/, as here, there is no legacy-text.cjs beside the module: the Latin-1 case.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import editedText, { decode, detect, encodingExists, legacyFrom } from '../../../src/adapters/edited-text.js';
import { ROOT } from '../../helpers/run-cli.js';

const read = (bytes: Uint8Array): string => editedText.decode(bytes, detect(bytes));
const BOM8 = Buffer.from([0xef, 0xbb, 0xbf]);

describe('reading back an edited command', () => {
  it('UTF-8, as the editor was given it, with or without a byte-order mark', () => {
    for (const text of ['echo héllo', 'kubectl logs -l app=café', 'echo 日本 🚒', 'grep -r "Größe" .\nwc -l', '']) {
      expect(detect(Buffer.from(text))).toBe('utf-8');
      expect(read(Buffer.from(text))).toBe(text);
      expect(read(Buffer.concat([BOM8, Buffer.from(text)]))).toBe(text);
    }
  });

  it('without chardet and iconv-lite (the single executable), a file that is not UTF-8 is read one byte a character', () => {
    const latin1 = Buffer.from('echo café\n', 'latin1');
    expect(detect(latin1)).toBe('latin1');
    expect(read(latin1)).toBe('echo café\n');
    // Every byte value comes back as the character of that code: nothing is lost or merged.
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(detect(all)).toBe('latin1');
    expect([...read(all)].map((c) => c.codePointAt(0))).toEqual([...all]);
    expect(encodingExists('utf-8') && encodingExists('latin1')).toBe(true);
    expect(encodingExists('windows-1251')).toBe(false);
  });

  it('with them (dist/legacy-text.cjs, as the bundle ships it), any other encoding is guessed and decoded as before', () => {
    const legacy = legacyFrom(pathToFileURL(join(ROOT, 'dist', 'main.js')).href);
    expect(legacy).not.toBeNull();
    const l = legacy!;
    // An editor set to CP1251: Cyrillic one byte a letter.
    const cp1251 = Buffer.from([0x65, 0x63, 0x68, 0x6f, 0x20, 0xef, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x2c, 0x20, 0xea, 0xee, 0xec, 0xe0, 0xed, 0xe4, 0xe0]);
    const enc = l.detect(cp1251) ?? '';
    expect(l.encodingExists(enc)).toBe(true);
    expect(l.decode(cp1251, enc)).toBe('echo привет, команда');
    // UTF-16 by its byte-order mark, which is not part of the command.
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('echo über', 'utf16le')]);
    expect(l.decode(le, l.detect(le) ?? '')).toBe('echo über');
    // A character cut off at the end of otherwise UTF-8 text: the rest stays as written.
    const cut = Buffer.concat([Buffer.from('echo é'), Buffer.from([0xc3])]);
    expect(l.decode(cut, l.detect(cut) ?? '')).toBe('echo é\ufffd');
  });

  it('the UTF-8 path drops the byte-order mark and nothing else', () => {
    expect(decode(Buffer.concat([BOM8, Buffer.from('a\u00a0b')]), 'utf-8')).toBe('a\u00a0b');
  });
});
