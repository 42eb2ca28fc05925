// How a command edited in the operator's editor is read back (src/adapters/edited-text.ts): the bundle gives
// inquirer's editor these rules in place of chardet and iconv-lite (scripts/build.mjs).
import { describe, expect, it } from 'vitest';
import editedText, { decode, detect, encodingExists } from '../../../src/adapters/edited-text.js';

const read = (bytes: Uint8Array): string => editedText.decode(bytes, detect(bytes));

describe('reading back an edited command', () => {
  it('UTF-8, as the editor was given it, with or without a byte-order mark', () => {
    for (const text of ['echo héllo', 'kubectl logs -l app=café', 'echo 日本 🚒', 'grep -r "Größe" .\nwc -l', '']) {
      expect(detect(Buffer.from(text))).toBe('utf-8');
      expect(read(Buffer.from(text))).toBe(text);
      expect(read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toBe(text);
    }
  });

  it('UTF-16 by its byte-order mark, little- or big-endian; the mark is not part of the command', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('echo über', 'utf16le')]);
    expect(detect(le)).toBe('utf-16le');
    expect(read(le)).toBe('echo über');
    const be = Buffer.from(le.subarray(2)).swap16();
    const withMark = Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
    expect(detect(withMark)).toBe('utf-16be');
    expect(read(withMark)).toBe('echo über');
  });

  it('bytes that are not UTF-8 are read one byte a character (Latin-1), not dropped', () => {
    const latin1 = Buffer.from('echo café\n', 'latin1');
    expect(detect(latin1)).toBe('latin1');
    expect(read(latin1)).toBe('echo café\n');
    // Every byte value comes back as the character of that code: nothing is lost or merged.
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(detect(all)).toBe('latin1');
    expect([...read(all)].map((c) => c.codePointAt(0))).toEqual([...all]);
  });

  it('an invalid sequence after a UTF-8 mark is shown as U+FFFD, never guessed away', () => {
    expect(decode(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0xff, 0x62]), 'utf-8')).toBe('a\ufffdb');
  });

  it('every encoding it names is one it can decode (what external-editor checks first)', () => {
    for (const e of ['utf-8', 'utf-16le', 'utf-16be', 'latin1']) expect(encodingExists(e)).toBe(true);
    expect(encodingExists('shift_jis')).toBe(false);
  });
});
