// chardet's guess and iconv-lite's decoding, for an edited file that is not UTF-8: built on its own into
// dist/legacy-text.cjs (550 KB of encoding tables), which edited-text.ts loads only when such a file comes back.
import { detect as guess } from 'chardet';
import iconv from 'iconv-lite';

export function detect(bytes: Uint8Array): string | null {
  return guess(bytes);
}

export function encodingExists(encoding: string): boolean {
  return iconv.encodingExists(encoding);
}

export function decode(bytes: Uint8Array, encoding: string): string {
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding);
}
