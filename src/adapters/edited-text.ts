// How the multi-line editor's file is read back. inquirer's editor (@inquirer/external-editor) writes the command
// to a temp file as UTF-8, then guesses the saved file's encoding with chardet and decodes it with iconv-lite:
// 550 KB of encoding tables, a third of dist/run.cjs, read and compiled at every `run` for a file that is UTF-8
// unless the editor changed it. The build (scripts/build.mjs) gives external-editor this module as both
// `chardet` and `iconv-lite`, and these rules instead: a byte-order mark decides (UTF-8, UTF-16 LE or BE);
// else valid UTF-8 is UTF-8; else each byte is one character (Latin-1, which is what chardet guesses for the
// usual legacy editor set-ups). Whatever comes out is shown in full before it can run.
import { isUtf8 } from 'node:buffer';

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'latin1';

/** The encoding the edited file is read as (chardet's `detect`). */
export function detect(bytes: Uint8Array): Encoding {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return isUtf8(bytes) ? 'utf-8' : 'latin1';
}

/** The text of the edited file in `encoding` (iconv-lite's `decode`), a byte-order mark dropped. */
export function decode(bytes: Uint8Array, encoding: string): string {
  if (encoding === 'latin1') return Buffer.from(bytes).toString('latin1');
  // TextDecoder drops the mark of its own encoding; an invalid sequence becomes U+FFFD, shown as such.
  return new TextDecoder(encoding).decode(bytes);
}

/** iconv-lite's check before decoding: every encoding `detect` returns is known. */
export function encodingExists(encoding: string): boolean {
  return encoding === 'utf-8' || encoding === 'utf-16le' || encoding === 'utf-16be' || encoding === 'latin1';
}

export default { decode, encodingExists };
