// How the multi-line editor's file is read back. inquirer's editor (@inquirer/external-editor) writes the command
// to a temp file as UTF-8, then guesses the saved file's encoding with chardet and decodes it with iconv-lite:
// 550 KB of encoding tables, a third of dist/run.cjs, read and compiled at every `run`. The build
// (scripts/build.mjs) gives external-editor this module as both `chardet` and `iconv-lite` instead. A file that
// is valid UTF-8 (as written, byte-order mark or not) is read as UTF-8 here; any other (an editor set to
// CP1251, UTF-16, a cut-off character) goes to chardet and iconv-lite as before, loaded then from
// dist/legacy-text.cjs. Where that file is not there (the single executable), such a file is read as Latin-1,
// one character a byte. Whatever comes out is shown in full before it can run.
import { isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';

interface Legacy {
  detect(bytes: Uint8Array): string | null;
  encodingExists(encoding: string): boolean;
  decode(bytes: Uint8Array, encoding: string): string;
}

/** chardet and iconv-lite from legacy-text.cjs beside the module at `url`, or null where there is none. */
export function legacyFrom(url: string): Legacy | null {
  try {
    return createRequire(url)('./legacy-text.cjs') as Legacy;
  } catch {
    return null;
  }
}
let legacy: Legacy | null | undefined;
const loadLegacy = (): Legacy | null => (legacy === undefined ? (legacy = legacyFrom(import.meta.url)) : legacy);

const UTF8 = 'utf-8';
const LATIN1 = 'latin1';

/** The encoding the edited file is read as (chardet's `detect`). */
export function detect(bytes: Uint8Array): string {
  if (isUtf8(bytes)) return UTF8;
  return loadLegacy()?.detect(bytes) ?? LATIN1;
}

/** iconv-lite's check before decoding. */
export function encodingExists(encoding: string): boolean {
  return encoding === UTF8 || encoding === LATIN1 || loadLegacy()?.encodingExists(encoding) === true;
}

/** The text of the edited file in `encoding` (iconv-lite's `decode`), a UTF-8 byte-order mark dropped. */
export function decode(bytes: Uint8Array, encoding: string): string {
  if (encoding === UTF8) return new TextDecoder(UTF8).decode(bytes);
  const l = loadLegacy();
  if (l) return l.decode(bytes, encoding);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(LATIN1);
}

export default { decode, encodingExists };
