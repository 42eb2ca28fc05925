// `runbook verify`'s engine: stream the timeline once (bounded memory, no whole-file string), hash every line,
// check seq and the prev chain, find the seal, and name the first line that does not match and why.
// docs/verify.md describes the verdicts.
import { promises as fsp } from 'node:fs';
import { UserError, describeSystemError } from '../errors.js';
import { EMPTY_HASH, isHash, lineHash } from './chain.js';
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
  /** How a verdict names the command that seals this file (`runbook seal FILE` by default). */
  sealCommand?: string;
}

const CHUNK = 1024 * 1024;
// The writer's own envelope, in its order (`{"v":1,"seq":N,…,"prev":"<hex>","type":"…"`), is read from the bytes
// without JSON.parse (most of the cost on a big file); anything else goes through JSON.parse. Either way the
// chain is over the bytes, not over how they are read.
const HEAD = Buffer.from('{"v":1,"seq":');
const PREV = Buffer.from(',"prev":"');
const TYPE = Buffer.from('","type":"');
const UNCHAINED_TYPE = Buffer.from(',"type":"');

interface Line {
  n: number;
  /** The line's hash, or '' until hashOf asks (a line before the chain is hashed only if something needs it). */
  hash: string;
  /** The line's bytes while its hash is not yet taken. */
  bytes: Buffer | null;
  /** null: not an event. */
  seq: number | null;
  /** undefined: an event without prev (written before the chain). */
  prev: string | undefined;
  type: string;
  value: Record<string, unknown> | null;
}

/** A line's hash: taken once, when first needed. */
function hashOf(line: Line): string {
  if (line.hash === '' && line.bytes) {
    line.hash = lineHash(line.bytes);
    line.bytes = null;
  }
  return line.hash;
}

/** A line read in full; its hash is left to hashOf. */
function readLine(bytes: Buffer, n: number, torn: boolean): Line {
  // A line cut off (no '\n') may still start like an event: only a whole JSON object counts.
  if (!torn && bytes.length > 120 && bytes.compare(HEAD, 0, HEAD.length, 0, HEAD.length) === 0 && bytes[bytes.length - 1] === 0x7d) {
    let seq = 0;
    let i = HEAD.length;
    for (let c = bytes[i] as number; c >= 0x30 && c <= 0x39 && i < 32; c = bytes[++i] as number) seq = seq * 10 + (c - 0x30);
    const p = i > HEAD.length ? bytes.indexOf(PREV, i) : -1;
    if (p > 0 && p < 160 && bytes.compare(TYPE, 0, TYPE.length, p + PREV.length + 64, p + PREV.length + 64 + TYPE.length) === 0) {
      const t = p + PREV.length + 64 + TYPE.length;
      const type = bytes.toString('latin1', t, bytes.indexOf(0x22, t));
      const value = type === 'seal' ? parse(bytes) : null;
      return { n, hash: '', bytes, seq, prev: bytes.toString('latin1', p + PREV.length, p + PREV.length + 64), type, value };
    }
  }
  const value = parse(bytes);
  if (!value || value.v !== SCHEMA_VERSION || typeof value.seq !== 'number' || !Number.isInteger(value.seq) || typeof value.type !== 'string') {
    return { n, hash: '', bytes, seq: null, prev: undefined, type: '', value: null };
  }
  return { n, hash: '', bytes, seq: value.seq, prev: typeof value.prev === 'string' ? value.prev : undefined, type: value.type, value };
}

/** Where the digits of the last readSeq ended (a variable of the module: the hot paths allocate nothing per line). */
let seqEnd = 0;

/** The seq of a line that starts as the writer writes (`{"v":1,"seq":N`) and is a whole object; -1 if not. */
function readSeq(bytes: Buffer, minLength: number): number {
  const len = bytes.length;
  if (len < minLength || bytes[len - 1] !== 0x7d) return -1;
  for (let j = 0; j < HEAD.length; j++) if (bytes[j] !== HEAD[j]) return -1;
  let i = HEAD.length;
  let seq = 0;
  for (let c = bytes[i] as number; c >= 0x30 && c <= 0x39; c = bytes[++i] as number) seq = seq * 10 + (c - 0x30);
  if (i === HEAD.length || i > 30) return -1;
  seqEnd = i;
  return seq;
}

/** A seal or run.finished (its type starts at `ty`): these always take the slow path. */
const slowType = (bytes: Buffer, ty: number): boolean =>
  (bytes[ty] === 0x73 && bytes[ty + 1] === 0x65 && bytes[ty + 2] === 0x61) || (bytes[ty] === 0x72 && bytes[ty + 4] === 0x66);

/**
 * The hot path, for the writer's own lines: the seq of a line whose prev is `expect`, read and compared in place
 * (no string, no search object: a million lines feel every allocation); -1 for anything else, a seal or
 * run.finished included, which then take the slow path.
 */
function fastSeq(bytes: Buffer, expect: string): number {
  const seq = readSeq(bytes, 140);
  if (seq < 0) return -1;
  // ts and mono_ms hold no `,"`: the third `,"` after seq starts prev.
  let p = -1;
  for (let j = seqEnd; j < 110; j++) {
    if (bytes[j] === 0x2c && bytes[j + 1] === 0x22 && bytes[j + 2] === 0x70) {
      p = j;
      break;
    }
  }
  if (p < 0) return -1;
  for (let j = 0; j < PREV.length; j++) if (bytes[p + j] !== PREV[j]) return -1;
  const h = p + PREV.length;
  for (let j = 0; j < 64; j++) if (bytes[h + j] !== expect.charCodeAt(j)) return -1;
  const t = h + 64;
  for (let j = 0; j < TYPE.length; j++) if (bytes[t + j] !== TYPE[j]) return -1;
  return slowType(bytes, t + TYPE.length) ? -1 : seq;
}

/**
 * The seq of a line before the chain, written as the writer writes (`{"v":1,"seq":N,"ts":…,"mono_ms":…,"type":"`,
 * no prev), read in place; -1 for anything else (a seal, run.finished, a line with prev), which takes the slow
 * path. Its content is not parsed: without a chain there is nothing to check it against.
 */
function fastUnchainedSeq(bytes: Buffer): number {
  const seq = readSeq(bytes, 60);
  if (seq < 0) return -1;
  // ts and mono_ms hold no `,"`: the third `,"` after seq starts type (or prev: the chain starts here).
  let p = -1;
  for (let j = seqEnd, k = 0; j < 110; j++) {
    if (bytes[j] === 0x2c && bytes[j + 1] === 0x22 && ++k === 3) {
      p = j;
      break;
    }
  }
  if (p < 0) return -1;
  for (let j = 0; j < UNCHAINED_TYPE.length; j++) if (bytes[p + j] !== UNCHAINED_TYPE[j]) return -1;
  return slowType(bytes, p + UNCHAINED_TYPE.length) ? -1 : seq;
}

function parse(bytes: Buffer): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Feed every line of the file to `take` (synchronously, a chunk at a time: no promise per line, which is most of
 * the cost on a million lines), until it returns false. `torn`: the last line had no '\n'.
 */
async function eachLine(path: string, take: (bytes: Buffer, n: number, torn: boolean) => boolean): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(path, 'r');
    if ((await fh.stat()).isDirectory()) throw Object.assign(new Error('illegal operation on a directory'), { code: 'EISDIR' });
  } catch (err) {
    // Closed here: a handle left to the garbage collector makes Node print two warnings after our one line.
    await fh?.close().catch(() => undefined);
    throw new UserError(`cannot read timeline ${path}: ${describeSystemError(err)}`);
  }
  try {
    let carry: Buffer[] = [];
    let n = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      let bytesRead: number;
      try {
        ({ bytesRead } = await fh.read(buf, 0, CHUNK, null));
      } catch (err) {
        throw new UserError(`cannot read timeline ${path}: ${describeSystemError(err)}`);
      }
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
        if (!take(bytes, ++n, false)) return;
        start = nl + 1;
      }
      if (start < data.length) carry.push(data.subarray(start));
    }
    if (carry.length) take(Buffer.concat(carry), ++n, true);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

export async function verifyTimeline(path: string, opts: VerifyOptions): Promise<VerifyReport> {
  const report: VerifyReport = { ok: false, path, events: 0, head: EMPTY_HASH, chain: 'intact', seal: null, problem: null };
  const sealCommand = opts.sealCommand ?? 'runbook seal';
  const fail = (line: number, kind: ProblemKind, message: string): void => {
    if (!report.problem) report.problem = { line, kind, message };
  };
  // `null as T` and not `: T = null`: they are set inside the callback, which narrowing cannot see.
  let prev = null as Line | null;
  let prevPrev = null as Line | null;
  let lastSeal = null as Line | null;
  let finished = null as Line | null;
  let unchained = 0;
  // After the first mismatch: what the lines after it say about why.
  let suspect = null as Suspect | null;
  let total = 0;
  const pool: Line[] = [0, 1, 2].map(() => ({ n: 0, hash: '', bytes: null, seq: 0, prev: undefined, type: '', value: null }));
  // Three records in turn, one of them free (neither prev nor prevPrev): no allocation per line.
  const freeRecord = (): Line => pool.find((l) => l !== prev && l !== prevPrev) as Line;

  const take = (bytes: Buffer, n: number, torn: boolean): boolean => {
    total = n;
    if (bytes.length === 0 || (bytes[0] !== 0x7b && bytes.toString('latin1').trim() === '')) {
      if (!suspect) fail(n, 'inserted', `line ${n} is blank: runbook never writes a blank line`);
      return true;
    }
    if (!suspect && !torn && prev !== null && unchained === 0) {
      const prevHash = hashOf(prev);
      const seq = fastSeq(bytes, prevHash);
      if (seq === (prev.seq as number) + 1) {
        const line = freeRecord();
        line.n = n;
        line.prev = prevHash;
        line.hash = lineHash(bytes);
        line.bytes = null;
        line.seq = seq;
        report.events++;
        prevPrev = prev;
        prev = line;
        return true;
      }
    }
    // Before the chain starts, the writer's envelope is read from the bytes too; the line is hashed only if the
    // chain starts after it (or it is the last).
    if (!suspect && !torn && prev !== null && unchained > 0 && unchained === report.events) {
      const seq = fastUnchainedSeq(bytes);
      if (seq === (prev.seq as number) + 1) {
        const line = freeRecord();
        line.n = n;
        line.prev = undefined;
        line.hash = '';
        line.bytes = bytes;
        line.seq = seq;
        report.events++;
        unchained++;
        prevPrev = prev;
        prev = line;
        return true;
      }
    }
    const line = readLine(bytes, n, torn);
    if (suspect) {
      suspect.next ??= line;
      const e = (suspect.before?.seq ?? -1) + 1;
      if (suspect.laterExpected === null && line.seq === e) suspect.laterExpected = line.n;
      if (line.seq !== null) report.events++;
      return true;
    }
    if (line.seq === null && unchained > 0 && unchained === report.events) return true; // no chain to judge it by
    if (line.seq === null) {
      if (torn) fail(n, 'truncated', `line ${n}, the last, is incomplete: the file was cut off (or a write was) after line ${n - 1}`);
      else fail(n, 'damaged', `line ${n} is not a timeline event (changed, or inserted)`);
      report.chain = 'broken';
      return false;
    }
    report.events++;
    if (line.prev === undefined) {
      if (prev === null || unchained > 0) {
        unchained++; // a timeline (or its start) written before the chain
      } else if (prev === lastSeal) {
        fail(n, 'appended', `line ${n} was appended after the seal on line ${prev.n}, and not by runbook (it has no prev)`);
        report.chain = 'broken';
        return false;
      } else {
        fail(n, 'changed', `line ${n} has no prev although the lines before it do (changed, or inserted)`);
        report.chain = 'broken';
        return false;
      }
    } else if (unchained > 0) {
      fail(1, 'no-chain', `lines 1-${n - 1} carry no hash chain (written by a runbook before the chain); it starts at line ${n}`);
      report.chain = 'none';
    }
    const expectedSeq = prev === null ? 0 : (prev.seq as number) + 1;
    const chainOk = line.prev === undefined || line.prev === (prev ? hashOf(prev) : EMPTY_HASH);
    if (!chainOk || line.seq !== expectedSeq) {
      suspect = { k: line, before: prev, beforeBefore: prevPrev, next: null, laterExpected: null };
      report.chain = 'broken';
      return true;
    }
    if (line.type === 'run.finished') finished = line;
    if (line.type === 'seal') {
      const v = line.value;
      if (!v || v.head !== line.prev || v.events !== line.seq || !isHash(v.head)) {
        fail(n, 'seal', `line ${n}: the seal does not match the chain (its head or count is not that of the lines before it)`);
        report.chain = 'broken';
        return false;
      }
      lastSeal = line;
    }
    prevPrev = prev;
    prev = line;
    return true;
  };
  await eachLine(path, take);
  report.head = prev ? hashOf(prev) : EMPTY_HASH;

  if (suspect) diagnose(suspect, fail);
  if (report.events === 0 && !report.problem) fail(0, 'empty', `${path} holds no events`);
  if (unchained > 0 && unchained === report.events) {
    report.chain = 'none';
    fail(1, 'no-chain', `this timeline carries no hash chain (written by a runbook before the chain): it can be read, not verified`);
  }
  if (!report.problem && prev) {
    if (lastSeal && lastSeal !== prev) {
      const after = total - lastSeal.n;
      fail(lastSeal.n + 1, 'appended', `line ${lastSeal.n + 1}: ${plural(after, 'line')} appended after the seal on line ${lastSeal.n}; \`${sealCommand}\` seals them`);
    } else if (!lastSeal && finished) {
      fail(prev.n + 1, 'truncated', `line ${prev.n + 1}: truncated: the run finished on line ${finished.n}, and no seal follows (a runner always seals its run's end)`);
    } else if (!lastSeal) {
      fail(prev.n, 'not-sealed', `not sealed: the chain is intact over ${plural(report.events, 'event')}, but nothing shows the file ends at line ${prev.n} (a live or interrupted run: \`${sealCommand}\` seals it)`);
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
  const beforeHash = before ? hashOf(before) : EMPTY_HASH;
  const chainOk = k.prev === beforeHash;
  if (chainOk) {
    if (next && next.prev !== hashOf(k)) fail(k.n, 'changed', `line ${k.n} was changed: its seq is ${seq} where ${e} was expected, and line ${next.n} does not chain to it`);
    else fail(k.n, 'reordered', `line ${k.n} has seq ${seq} where ${e} was expected`);
    return;
  }
  if (seq > e && s.laterExpected !== null) {
    fail(k.n, 'reordered', `line ${k.n} is out of order: it holds seq ${seq} where ${e} was expected; seq ${e} is on line ${s.laterExpected}`);
  } else if (next && next.prev === beforeHash) {
    fail(k.n, 'inserted', `line ${k.n} was inserted: line ${next.n} chains directly to line ${before?.n ?? 'start'}`);
  } else if (before && k.prev === (beforeBefore ? hashOf(beforeBefore) : EMPTY_HASH)) {
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
