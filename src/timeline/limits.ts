// Limits on what one event may carry, checked before anything is read or written.

/** A note or mark's text is at most this many bytes (UTF-8): longer text belongs in a file the note names. */
export const MAX_NOTE_BYTES = 64 * 1024;

/** Why this note (or mark) text is refused, or null when it is fine. Fast on any size: no copy is made. */
export function noteTooLong(text: string, what: 'note' | 'mark' | 'handover' = 'note'): string | null {
  // A UTF-16 unit is at least one UTF-8 byte, so a long string is refused without measuring it.
  if (text.length <= MAX_NOTE_BYTES / 3) return null;
  const bytes = text.length > MAX_NOTE_BYTES ? text.length : Buffer.byteLength(text, 'utf8');
  if (bytes <= MAX_NOTE_BYTES) return null;
  const size = bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
  return `a ${what} is at most 64 KiB and this one is ${text.length > MAX_NOTE_BYTES ? 'over ' : ''}${size}: put the long text in a file and ${what === 'mark' ? 'mark with' : what} where it is`;
}
