// The lock's staleness rule: a holder is gone when its process is (pid and start time on this host), never
// because the lock is old; a live holder is waited for and named.
import { readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { holderState, ownerAlive, withLock, writeOwner } from '../../../src/timeline/lock.js';
import { tempDir } from './helpers.js';

/** This process's start time, /proc/self/stat field 22. */
const myStart = (): string => {
  const text = readFileSync('/proc/self/stat', 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ')[19] as string;
};
const pending = Symbol('pending');
const within = <T>(p: Promise<T>, ms: number): Promise<T | typeof pending> =>
  Promise.race([p, new Promise<typeof pending>((r) => setTimeout(() => r(pending), ms))]);

describe('lock staleness', () => {
  it('a live holder keeps its lock however old it is: the waiter names it after 2 s and goes on once it is released', async () => {
    const lock = join(tempDir(), 't.jsonl.lock');
    writeFileSync(lock, `${process.pid}\n${hostname()}\n${myStart()}\nheld\n`);
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(lock, old, old);
    const messages: string[] = [];
    const got = withLock(lock, async () => 'got it', { onWait: (m) => messages.push(m) });
    expect(await within(got, 3_000)).toBe(pending);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`held by pid ${process.pid} (`);
    expect(messages[0]).toContain('on this host');
    rmSync(lock);
    await expect(got).resolves.toBe('got it');
  });

  it('a lock whose pid now belongs to another process (another start time) is taken over at once', async () => {
    const lock = join(tempDir(), 't.jsonl.lock');
    writeFileSync(lock, `${process.pid}\n${hostname()}\n1\nreused\n`);
    expect(holderState({ pid: process.pid, host: hostname(), start: '1' })).toBe('gone');
    await expect(within(withLock(lock, async () => 'got it'), 1_000)).resolves.toBe('got it');
    expect(existsSync(lock)).toBe(false);
  });

  it('a lock of a dead pid is taken over at once', async () => {
    const lock = join(tempDir(), 't.jsonl.lock');
    writeFileSync(lock, `999999999\n${hostname()}\n5\nx\n`);
    await expect(within(withLock(lock, async () => 'got it'), 1_000)).resolves.toBe('got it');
  });

  it('the owner sidecar counts as live only for the same process (pid and start time)', async () => {
    const owner = join(tempDir(), 't.jsonl.owner');
    await writeOwner(owner);
    expect(await ownerAlive(owner)).toBe(true);
    writeFileSync(owner, `${process.pid}\n${hostname()}\n1\n`);
    expect(await ownerAlive(owner)).toBe(false);
  });
});

describe('lock and owner files are never written through a symbolic link', () => {
  it('a planted lock link fails the append with one clear line and leaves its target alone', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'victim'), 'precious\n');
    symlinkSync(join(dir, 'victim'), join(dir, 't.jsonl.lock'));
    await expect(withLock(join(dir, 't.jsonl.lock'), async () => 'got it')).rejects.toThrow(/t\.jsonl\.lock is a symbolic link/);
    expect(readFileSync(join(dir, 'victim'), 'utf8')).toBe('precious\n');
  });

  it('a planted owner link is refused, its target untouched', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'victim'), 'precious\n');
    symlinkSync(join(dir, 'victim'), join(dir, 't.jsonl.owner'));
    await expect(writeOwner(join(dir, 't.jsonl.owner'))).rejects.toThrow(/t\.jsonl\.owner is a symbolic link/);
    expect(readFileSync(join(dir, 'victim'), 'utf8')).toBe('precious\n');
  });

  it('an owner file left by a crash is replaced', async () => {
    const owner = join(tempDir(), 't.jsonl.owner');
    writeFileSync(owner, `999999999\n${hostname()}\n5\n`);
    await writeOwner(owner);
    expect(readFileSync(owner, 'utf8').split('\n')[0]).toBe(String(process.pid));
  });
});

describe('lock on a shared bastion', () => {
  it('the lock file is readable by others (a teammate waiting for it must read who holds it)', async () => {
    const lock = join(tempDir(), 't.jsonl.lock');
    const mode = await withLock(lock, async () => statSync(lock).mode & 0o777);
    expect(mode & 0o044).toBe(0o044);
    expect(mode & 0o022).toBe(0);
  });
});
