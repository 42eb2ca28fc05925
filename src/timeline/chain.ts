// The hash chain that makes a timeline verifiable: every event's `prev` is the SHA-256 (hex) of the line
// before it, exactly as written (without its '\n'); the first event's is the hash of nothing. A `seal` event
// holds the chain head and, when a key is at hand, an SSH signature over it. docs/timeline-format.md#the-hash-chain.
import * as crypto from 'node:crypto';

/** SHA-256 of empty input: the `prev` of a timeline's first event. */
export const EMPTY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The SSH signature namespace of seals: a signature made for anything else never verifies as a seal. */
export const SEAL_NAMESPACE = 'runbook-timeline';

/** The hash the next line records as its `prev`: of the line's bytes, without its '\n'. */
export const lineHash: (line: Buffer | string) => string = oneShotHash() ?? ((line) => crypto.createHash('sha256').update(line).digest('hex'));

/** crypto.hash (Node 20.12+): a third of createHash's cost per short line, which a million-line verify feels. */
function oneShotHash(): ((line: Buffer | string) => string) | null {
  const hash = (crypto as unknown as { hash?: (alg: string, data: Buffer | string, enc: 'hex') => string }).hash;
  return typeof hash === 'function' ? (line) => hash('sha256', line, 'hex') : null;
}

/**
 * What a seal's signature covers: the number of events before the seal and the chain head (the hash of the
 * line before it). The head commits to every earlier byte, so this is all a signature needs.
 */
export function sealMessage(events: number, head: string): string {
  return `runbook-timeline seal v1\nevents ${events}\nhead ${head}\n`;
}

export const isHash = (s: unknown): s is string => typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);

/** The signing part of a seal, made for the chain head the writer holds under the lock. */
export interface SealParts {
  actor: string;
  signature: string | null;
  key: string | null;
  signer: string | null;
}
export type Sealer = (events: number, head: string) => Promise<SealParts>;
