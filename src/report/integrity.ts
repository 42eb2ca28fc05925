// Whether a timeline verifies, in one line, for `verify`, and for the headers of `replay` and `export`.
import { verifyTimeline, type VerifyReport } from '../timeline/verify.js';

/** The one-line verdict: `ok: 214 events, sealed by alice@example.com (…), chain intact`, or what is wrong. */
export function verdict(r: VerifyReport): string {
  if (r.ok && r.seal) {
    const s = r.seal;
    const by =
      s.checked === 'allowed-signers'
        ? `sealed by ${s.signer} (signature checked against the allowed signers)`
        : s.checked === 'key-only'
          ? `sealed by ${s.signer ?? s.actor} (signed with key ${s.key}, not checked against allowed signers)`
          : `sealed by ${s.actor} (unsigned: shows the file is whole, not who wrote it)`;
    return `ok: ${r.events} events, ${by}, chain intact`;
  }
  const p = r.problem;
  if (!p) return 'not verified';
  if (p.kind === 'no-chain') return `no chain: ${p.message}`;
  if (p.kind === 'not-sealed') return `not sealed: ${p.message.replace(/^not sealed: /, '')}`;
  return `FAILED: ${p.message}`;
}

/** The verdict for a header; null when the file cannot be read (the reader says why). */
export async function integrityOf(path: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  try {
    return verdict(await verifyTimeline(path, { env }));
  } catch {
    return null;
  }
}
