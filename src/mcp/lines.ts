// Newline-delimited JSON-RPC from stdin, as whole lines, with a bound: a line longer than MAX_MESSAGE_BYTES is
// dropped as it arrives (never held in memory whole) and reported once it ends.
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export type LineItem = { kind: 'line'; text: string } | { kind: 'oversized'; bytes: number };

/** What the front hands the server once it is loaded. */
export interface Wire {
  /** Write one JSON-RPC message (a line on stdout). */
  write(message: unknown): void;
  /** The id of the initialize request the front answered already: the server's own answer to it is dropped. */
  answered: string | number | undefined;
}

export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  /** Bytes of an oversized line seen so far (its start was dropped), or -1. */
  private dropping = -1;

  constructor(private readonly max = MAX_MESSAGE_BYTES) {}

  push(chunk: Buffer): LineItem[] {
    const out: LineItem[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, nl < 0 ? chunk.length : nl);
      if (this.dropping >= 0) this.dropping += piece.length;
      else if (this.size + piece.length > this.max) {
        this.dropping = this.size + piece.length;
        this.parts = [];
        this.size = 0;
      } else if (piece.length) {
        this.parts.push(Buffer.from(piece));
        this.size += piece.length;
      }
      if (nl < 0) return out;
      if (this.dropping >= 0) out.push({ kind: 'oversized', bytes: this.dropping });
      else {
        const text = Buffer.concat(this.parts).toString('utf8').replace(/\r$/, '');
        if (text.trim() !== '') out.push({ kind: 'line', text });
      }
      this.parts = [];
      this.size = 0;
      this.dropping = -1;
      start = nl + 1;
    }
  }
}
