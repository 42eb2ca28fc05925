// `runbook verify`'s engine: stream the timeline once (bounded memory, no whole-file string), hash every line,
// check seq and the prev chain, find the seal, and name the first line that does not match and why.
// docs/verify.md describes the verdicts.
import { promises as fsp } from 'node:fs';
import { createHash } from 'node:crypto';
import { UserError, describeSystemError } from '../errors.js';
import { EMPTY_HASH, isHash } from './chain.js';
import { SCHEMA_VERSION } from './events.js';
import { checkSealSignature } from './ssh-sign.js';

export type ProblemKind =
  | 'changed'
  | 'removed'
  | 'inserted'
  | 'reordered'
  | 'damaged'
  | 'truncated'
  | 'appended'
  | 'seal'
  | 'signature'
  | 'no-chain'
  | 'not-sealed'
  | 'empty';

export interface SealInfo {
  line: number;
  events: number;
  head: string;
  actor: string;
  signed: boolean;
  /** Who signed: the allowed_signers principal, else the key's comment as recorded (unchecked). */
  signer: string | null;
  key: string | null;
  /** How the signature was checked: against an allowed_signers file, or only for the key inside it. */
  checked: 'allowed-signers' | 'key-only' | null;
}

export interface VerifyReport {
  ok: boolean;
  path: string;
  /** Lines that are events (a damaged line is not counted). */
  events: number;
  /** Hash of the last line: what a seal written now would hold. */
  head: string;
  chain: 'intact' | 'broken' | 'none';
  seal: SealInfo | null;
  problem: { line: number; kind: ProblemKind; message: string } | null;
}

export interface VerifyOptions {
  allowedSigners?: string;
  env: NodeJS.ProcessEnv;
}

const CHUNK = 1024 * 1024;
// The writer's own envelope, in its order: parsed from the first bytes without JSON.parse (most of the cost on a
// big file). Anything else goes through JSON.parse; either way the chain is over the bytes, not their reading.
const FAST = /^\{"v":1,"seq":(\d{1,15}),"ts":"[^"\\]*","mono_ms":[0-9.eE+-]+,"prev":"([0-9a-f]{64})","type":"([a-z.]+)"/;

interface Line {
  n: number;
  hash: string;
  /** null: not an event. */
  seq: number | null;
  /** undefined: an event without prev (written before the chain). */
  prev: string | undefined;
  type: string;
  value: Record<string, unknown> | null;
}

function readLine(bytes: Buffer, n: number): Line {
  const hash = createHash('sha256').update(bytes).digest('hex');
  const m = FAST.exec(bytes.toString('latin1', 0, Math.min(bytes.length, 240)));
  if (m) {
    const type = m[3] as string;
    const value = type === 'seal' ? parse(bytes) : null;
    return { n, hash, seq: Number(m[1]), prev: m[2], type, value };
  }
  const value = parse(bytes);
  if (!value || value.v !== SCHEMA_VERSION || typeof value.seq !== 'number' || !Number.isInteger(value.seq) || typeof value.type !== 'string') {
    return { n, hash, seq: null, prev: undefined, type: '', value: null };
  }
  return { n, hash, seq: value.seq, prev: typeof value.prev === 'string' ? value.prev : undefined, type: value.type, value };
}

function parse(bytes: Buffer): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The file's lines, one at a time, from 1 MiB reads; `last` says the final line had no '\n'. */
async function* lines(path: string): AsyncGenerator<{ bytes: Buffer; n: number; torn: boolean }> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path, 'r');
    if ((await fh.stat()).isDirectory()) throw Object.assign(new Error('illegal operation on a directory'), { code: 'EISDIR' });
  } catch (err) {
    throw new UserError(`cannot read timeline ${path}: ${describeSystemError(err)}`);
  }
  try {
    let carry: Buffer[] = [];
    let n = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const data = buf.subarray(0, bytesRead);
      let start = 0;
      for (;;) {
        const nl = data.indexOf(0x0a, start);
        if (nl < 0) break;
        let bytes = data.subarray(start, nl);
        if (carry.length) {
          bytes = Buffer.concat([...carry, bytes]);
          carry = [];
        }
        yield { bytes, n: ++n, torn: false };
        start = nl + 1;
      }
      if (start < data.length) carry.push(data.subarray(start));
    }
    if (carry.length) yield { bytes: Buffer.concat(carry), n: ++n, torn: true };
  } finally {
    await fh.close().catch(() => undefined);
  }
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

export async function verifyTimeline(path: string, opts: VerifyOptions): Promise<VerifyReport> {
  const report: VerifyReport = { ok: false, path, events: 0, head: EMPTY_HASH, chain: 'intact', seal: null, problem: null };
  const fail = (line: number, kind: ProblemKind, message: string): void => {
    if (!report.problem) report.problem = { line, kind, message };
  };
  let prev: Line | null = null;
  let prevPrev: Line | null = null;
  let lastSeal: Line | null = null;
  let finished: Line | null = null;
  let unchained = 0;
  // After the first mismatch: what the lines after it say about why.
  let suspect: { k: Line; before: Line | null; beforeBefore: Line | null; next: Line | null; laterExpected: number | null } | null = null;
  let total = 0;

  for await (const raw of lines(path)) {
    total = raw.n;
    if (raw.bytes.length === 0 || (raw.bytes[0] !== 0x7b && raw.bytes.toString('latin1').trim() === '')) {
      if (!suspect) fail(raw.n, 'inserted', `line ${raw.n} is blank: runbook never writes a blank line`);
      continue;
    }
    const line = readLine(raw.bytes, raw.n);
    if (suspect) {
      if (!suspect.next) suspect.next = line;
      const e = (suspect.before?.seq ?? -1) + 1;
      if (suspect.laterExpected === null && line.seq === e && line !== suspect.k) suspect.laterExpected = line.n;
      if (line.seq !== null) report.events++;
      continue;
    }
    if (line.seq === null) {
      if (raw.torn) fail(raw.n, 'truncated', `line ${raw.n}, the last, is incomplete: the file was cut off (or a write was) after line ${raw.n - 1}`);
      else fail(raw.n, 'damaged', `line ${raw.n} is not a timeline event (changed, or inserted)`);
      report.chain = 'broken';
      break;
    }
    report.events++;
    if (line.prev === undefined) {
      if (prev === null || unchained > 0) {
        unchained++; // a timeline (or its start) written before the chain
      } else {
        fail(raw.n, 'changed', `line ${raw.n} has no prev although the lines before it do (changed, or inserted)`);
        report.chain = 'broken';
        break;
      }
    } else if (unchained > 0) {
      fail(1, 'no-chain', `lines 1-${raw.n - 1} carry no hash chain (written by a runbook before the chain); it starts at line ${raw.n}`);
      report.chain = 'none';
    }
    const expectedSeq = prev === null ? 0 : (prev.seq as number) + 1;
    const chainOk = line.prev === undefined || line.prev === (prev?.hash ?? EMPTY_HASH);
    if (!chainOk || line.seq !== expectedSeq) {
      suspect = { k: line, before: prev, beforeBefore: prevPrev, next: null, laterExpected: null };
      report.chain = 'broken';
      continue;
    }
    if (line.type === 'run.finished') finished = line;
    if (line.type === 'seal') {
      const v = line.value;
      if (!v || v.head !== line.prev || v.events !== line.seq || !isHash(v.head)) {
        fail(raw.n, 'seal', `line ${raw.n}: the seal does not match the chain (its head or count is not that of the lines before it)`);
        report.chain = 'broken';
        break;
      }
      lastSeal = line;
    }
    prevPrev = prev;
    prev = line;
    report.head = line.hash;
  }

  if (suspect) diagnose(suspect, fail);
  if (report.events === 0 && !report.problem) fail(0, 'empty', `${path} holds no events`);
  if (unchained > 0 && unchained === report.events) {
    report.chain = 'none';
    fail(1, 'no-chain', `this timeline carries no hash chain (written by a runbook before the chain): it can be read, not verified`);
  }
  if (!report.problem && prev) {
    if (lastSeal && lastSeal !== prev) {
      const after = total - lastSeal.n;
      fail(lastSeal.n + 1, 'appended', `line ${lastSeal.n + 1}: ${plural(after, 'line')} appended after the seal on line ${lastSeal.n} (${prev.type} last); \`runbook seal\` seals them`);
    } else if (!lastSeal && finished) {
      fail(finished.n + 1, 'truncated', `truncated after line ${prev.n}: the run finished on line ${finished.n} but no seal follows (a runner always seals its run's end)`);
    } else if (!lastSeal) {
      fail(prev.n, 'not-sealed', `not sealed: the chain is intact over ${plural(report.events, 'event')}, but nothing shows the file ends there (a live or interrupted run: \`runbook seal\` seals it)`);
    }
  }
  if (lastSeal && !report.problem) {
    const v = lastSeal.value as Record<string, unknown>;
    const signature = typeof v.signature === 'string' ? v.signature : null;
    const seal: SealInfo = {
      line: lastSeal.n,
      events: lastSeal.seq as number,
      head: lastSeal.prev as string,
      actor: typeof v.actor === 'string' ? v.actor : '',
      signed: signature !== null,
      signer: typeof v.signer === 'string' ? v.signer : null,
      key: typeof v.key === 'string' ? v.key : null,
      checked: null,
    };
    report.seal = seal;
    if (signature !== null) {
      const r = await checkSealSignature(signature, seal.events, seal.head, opts.allowedSigners, opts.env);
      if (r.ok) {
        seal.checked = opts.allowedSigners !== undefined ? 'allowed-signers' : 'key-only';
        seal.key = r.key;
        if (r.principal) seal.signer = r.principal;
      } else {
        fail(lastSeal.n, 'signature', `line ${lastSeal.n}: ${r.reason}`);
      }
    } else if (opts.allowedSigners !== undefined) {
      fail(lastSeal.n, 'signature', `line ${lastSeal.n}: the seal is not signed, and --allowed-signers asks for a signature`);
    }
  }
  report.ok = report.problem === null;
  return report;
}

type Suspect = { k: Line; before: Line | null; beforeBefore: Line | null; next: Line | null; laterExpected: number | null };

/** The first line that breaks the chain or the count, and why, from the lines around it. */
function diagnose(s: Suspect, fail: (line: number, kind: ProblemKind, message: string) => void): void {
  const { k, before, beforeBefore, next } = s;
  const e = before ? (before.seq as number) + 1 : 0;
  const seq = k.seq as number;
  const beforeHash = before?.hash ?? EMPTY_HASH;
  const chainOk = k.prev === beforeHash;
  if (chainOk) {
    if (next && next.prev !== k.hash) fail(k.n, 'changed', `line ${k.n} was changed: its seq is ${seq} where ${e} was expected, and line ${next.n} does not chain to it`);
    else fail(k.n, 'reordered', `line ${k.n} has seq ${seq} where ${e} was expected`);
    return;
  }
  if (seq > e && s.laterExpected !== null) {
    fail(k.n, 'reordered', `line ${k.n} is out of order: it holds seq ${seq} where ${e} was expected; seq ${e} is on line ${s.laterExpected}`);
  } else if (next && next.prev === beforeHash) {
    fail(k.n, 'inserted', `line ${k.n} was inserted: line ${next.n} chains directly to line ${before?.n ?? 'start'}`);
  } else if (before && k.prev === (beforeBefore?.hash ?? EMPTY_HASH)) {
    fail(before.n, 'inserted', `line ${before.n} was inserted: line ${k.n} chains directly to ${beforeBefore ? `line ${beforeBefore.n}` : 'the start'}`);
  } else if (seq === e && before) {
    fail(before.n, 'changed', `line ${before.n} was changed: its bytes no longer hash to the prev that line ${k.n} recorded`);
  } else if (seq === e) {
    fail(k.n, 'changed', `line ${k.n} was changed: the first event's prev is not the hash of nothing`);
  } else if (seq > e) {
    fail(k.n, 'removed', `${plural(seq - e, 'event')} removed before line ${k.n}: seq ${e}${seq - e > 1 ? `-${seq - 1}` : ''} is missing (line ${k.n} holds seq ${seq})`);
  } else {
    fail(k.n, 'reordered', `line ${k.n} is out of order: it holds seq ${seq} after seq ${e - 1}`);
  }
}
