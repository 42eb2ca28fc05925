// Seal signatures through OpenSSH (`ssh-keygen -Y sign|verify|check-novalidate|find-principals`): OpenSSH does
// the cryptography and the key handling; we add none. ssh-keygen never gets a terminal to prompt on: it runs
// in a new session (no controlling tty), with stdin /dev/null and askpass disabled, and is killed after a
// deadline, so a passphrase-protected key without an agent fails at once instead of hanging the run's end.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEAL_NAMESPACE, sealMessage, type SealParts, type Sealer } from './chain.js';

/** ssh-keygen gets this long; an agent on a slow bastion answers in milliseconds. */
const SSH_TIMEOUT_MS = 15_000;

export interface SshResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why it did not run at all (ssh-keygen missing, timed out). */
  failure?: string;
}

export function runSshKeygen(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<SshResult> {
  const clean: NodeJS.ProcessEnv = { ...env, SSH_ASKPASS_REQUIRE: 'never' };
  delete clean.DISPLAY;
  delete clean.WAYLAND_DISPLAY;
  delete clean.SSH_ASKPASS;
  return new Promise((resolve) => {
    const child = spawn('ssh-keygen', args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached: true, env: clean });
    let stdout = '';
    let stderr = '';
    let failure: string | undefined;
    const timer = setTimeout(() => {
      failure = `ssh-keygen did not answer within ${SSH_TIMEOUT_MS / 1000} s`;
      child.kill('SIGKILL');
    }, SSH_TIMEOUT_MS);
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err: NodeJS.ErrnoException) => {
      failure = err.code === 'ENOENT' ? 'ssh-keygen is not installed (OpenSSH client)' : `ssh-keygen: ${err.message}`;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ...(failure ? { failure } : {}) });
    });
    if (input !== undefined) {
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input);
    }
  });
}

/** The last meaningful line ssh-keygen wrote, for a one-line reason. */
function sshReason(r: SshResult): string {
  if (r.failure) return r.failure;
  const lines = r.stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^(Signing file|Write signature to|Enter passphrase)/.test(l));
  return (lines[lines.length - 1] ?? `ssh-keygen exited with ${r.code}`).replace(/^Enter passphrase[^:]*:\s*/, '');
}

export interface SigningKey {
  path: string;
  /** Asked for by --sign or RUNBOOK_SIGNING_KEY (a failure to sign with it is worth more than a notice). */
  explicit: boolean;
}

/** --sign KEY, else $RUNBOOK_SIGNING_KEY, else ~/.ssh/id_ed25519 when it exists; null: the seal is unsigned. */
export function chooseSigningKey(flag: string | undefined, env: NodeJS.ProcessEnv): SigningKey | null {
  if (flag) return { path: flag, explicit: true };
  if (env.RUNBOOK_SIGNING_KEY) return { path: env.RUNBOOK_SIGNING_KEY, explicit: true };
  const home = env.HOME || homedir();
  const dflt = join(home, '.ssh', 'id_ed25519');
  return existsSync(dflt) ? { path: dflt, explicit: false } : null;
}

export type SignResult = { ok: true; signature: string; key: string | null; signer: string | null } | { ok: false; reason: string };

/** Sign a seal's message with the key (or the agent holding it). Never prompts. */
export async function signSeal(key: string, events: number, head: string, env: NodeJS.ProcessEnv): Promise<SignResult> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-seal-'));
  try {
    const file = join(dir, 'seal');
    writeFileSync(file, sealMessage(events, head), { mode: 0o600 });
    const r = await runSshKeygen(['-Y', 'sign', '-f', key, '-n', SEAL_NAMESPACE, file], env);
    if (r.code !== 0 || !existsSync(`${file}.sig`)) {
      let reason = sshReason(r);
      if (/passphrase/i.test(r.stderr)) reason = `${key} needs a passphrase and no ssh-agent offers it (runbook never prompts: ssh-add it first)`;
      return { ok: false, reason };
    }
    const signature = readFileSync(`${file}.sig`, 'utf8').trim();
    // "256 SHA256:abc… alice@example.com (ED25519)": the fingerprint and the key's comment.
    const l = await runSshKeygen(['-l', '-f', key], env);
    const m = /^\d+\s+(\S+)\s+(.*?)\s+\([A-Z0-9-]+\)\s*$/.exec(l.stdout.trim());
    return { ok: true, signature, key: m?.[1] ?? null, signer: m?.[2] && m[2] !== 'no comment' ? m[2] : null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type CheckResult = { ok: true; principal: string | null; key: string } | { ok: false; reason: string };

/**
 * Check a seal's signature. With an allowed_signers file: the signing key must be listed there, and the
 * principal is who sealed. Without one: the signature must be valid for the key inside it (anyone's key).
 */
export async function checkSealSignature(signature: string, events: number, head: string, allowedSigners: string | undefined, env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-verify-'));
  try {
    const sig = join(dir, 'seal.sig');
    writeFileSync(sig, `${signature}\n`, { mode: 0o600 });
    const message = sealMessage(events, head);
    if (allowedSigners === undefined) {
      const r = await runSshKeygen(['-Y', 'check-novalidate', '-n', SEAL_NAMESPACE, '-s', sig], env, message);
      const m = /key (\S+)\s*$/m.exec(r.stdout + r.stderr);
      if (r.code !== 0 || !m) return { ok: false, reason: `the seal's signature does not verify (${sshReason(r)})` };
      return { ok: true, principal: null, key: m[1] as string };
    }
    const found = await runSshKeygen(['-Y', 'find-principals', '-s', sig, '-f', allowedSigners], env);
    const principal = found.code === 0 ? found.stdout.split('\n')[0]?.trim() : undefined;
    if (!principal) {
      const r = await runSshKeygen(['-Y', 'check-novalidate', '-n', SEAL_NAMESPACE, '-s', sig], env, message);
      const key = /key (\S+)\s*$/m.exec(r.stdout + r.stderr)?.[1];
      return { ok: false, reason: key ? `the seal was signed with key ${key}, which ${allowedSigners} does not allow` : `the seal's signature does not verify (${sshReason(found)})` };
    }
    const r = await runSshKeygen(['-Y', 'verify', '-f', allowedSigners, '-I', principal, '-n', SEAL_NAMESPACE, '-s', sig], env, message);
    const m = /signature for (.+) with \S+ key (\S+)\s*$/m.exec(r.stdout + r.stderr);
    if (r.code !== 0 || !m) return { ok: false, reason: `the seal's signature does not verify for ${principal} (${sshReason(r)})` };
    return { ok: true, principal: m[1] as string, key: m[2] as string };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The sealer a runner or `runbook seal` hands the writer: signs with the chosen key when there is one; when
 * signing fails (a passphrase and no agent, a missing ssh-keygen) the seal is written unsigned and `notice`
 * says why — the run's end is recorded either way.
 */
export function sshSealer(opts: { key: SigningKey | null; actor: string; env: NodeJS.ProcessEnv; notice: (line: string) => void }): Sealer {
  return async (events, head) => {
    const unsigned: SealParts = { actor: opts.actor, signature: null, key: null, signer: null };
    if (!opts.key) return unsigned;
    const r = await signSeal(opts.key.path, events, head, opts.env).catch((err: unknown): SignResult => ({ ok: false, reason: String(err) }));
    if (r.ok) return { actor: opts.actor, signature: r.signature, key: r.key, signer: r.signer };
    opts.notice(`the seal is not signed: ${r.reason}`);
    return unsigned;
  };
}
