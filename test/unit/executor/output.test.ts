// Output: streamed live as produced, in order, to the listener and the live streams, with backpressure.
import { PassThrough, Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { capture, request, sleep, startingWays } from './helpers.js';


describe.each(startingWays({ graceMs: 500 }))('$way', ({ way, executor, make, launched }) => {
  afterAll(() => {
    if (way.startsWith('through the launcher')) expect(launched()).toBeGreaterThan(0);
  });

  describe('output', () => {
    it('delivers stdout and stderr separately, complete and in order', async () => {
      const out = capture();
      const script = 'for i in 1 2 3 4 5; do echo "out $i"; echo "err $i" >&2; done; printf "no newline"';
      const r = await executor.run(request(script), out.listener);
      expect(r.exitCode).toBe(0);
      expect(out.text('stdout')).toBe('out 1\nout 2\nout 3\nout 4\nout 5\nno newline');
      expect(out.text('stderr')).toBe('err 1\nerr 2\nerr 3\nerr 4\nerr 5\n');
    });

    it('keeps the order across streams when the command pauses between them', async () => {
      const out = capture();
      await executor.run(request('echo first; sleep 0.5; echo second >&2; sleep 0.5; echo third'), out.listener);
      expect(out.chunks.map((c) => `${c.stream}:${c.text}`)).toEqual([
        'stdout:first\n',
        'stderr:second\n',
        'stdout:third\n',
      ]);
    });

    it('delivers output while the command still runs, to the listener and the live streams', async () => {
      const out = capture();
      const live = { stdout: new PassThrough(), stderr: new PassThrough() };
      const liveText = { stdout: '', stderr: '' };
      live.stdout.on('data', (c: Buffer) => (liveText.stdout += c.toString()));
      live.stderr.on('data', (c: Buffer) => (liveText.stderr += c.toString()));
      const ac = new AbortController();
      let settled = false;
      const running = executor
        .run(request('echo early; echo warn >&2; sleep 30', { live, signal: ac.signal }), out.listener)
        .finally(() => (settled = true));

      await out.waitFor('stdout', 'early\n');
      await out.waitFor('stderr', 'warn\n');
      await sleep(0); // let the live PassThroughs emit
      expect(settled).toBe(false);
      expect(liveText).toEqual({ stdout: 'early\n', stderr: 'warn\n' });

      ac.abort('stop');
      const r = await running;
      expect(r.signal).toBe('SIGTERM');
      // The executor never ends the live streams: they are the operator's terminal.
      expect(live.stdout.writableEnded).toBe(false);
      expect(live.stderr.writableEnded).toBe(false);
    });

    it('stops reading while the live stream is full, so the command waits instead of memory growing', async () => {
      const total = 8 * 1024 * 1024;
      let release: (() => void) | undefined;
      let liveBytes = 0;
      const stuck = new Writable({
        highWaterMark: 1024,
        write(chunk: Buffer, _enc, cb) {
          liveBytes += chunk.length;
          if (release === undefined) release = cb; // hold the first write until released
          else cb();
        },
      });
      let listenerBytes = 0;
      let settled = false;
      const running = executor
        .run(request(`head -c ${total} /dev/zero`, { live: { stdout: stuck, stderr: stuck } }), (_s, c) => {
          listenerBytes += c.length;
        })
        .finally(() => (settled = true));

      // However long the live stream stays full, the pipe is not read past one chunk or so:
      // the command blocks on its write (the kernel buffer is full) rather than the runner buffering it.
      await sleep(1000);
      expect(settled).toBe(false);
      expect(listenerBytes).toBeGreaterThan(0);
      expect(listenerBytes).toBeLessThan(1024 * 1024);

      release?.();
      const r = await running;
      expect(r.exitCode).toBe(0);
      expect(listenerBytes).toBe(total);
      expect(liveBytes).toBe(total);
    });

    it('keeps delivering the last output of a finished command while the live stream is slow', async () => {
      // The command is done long before the live stream has taken its output: nothing may be cut off.
      const total = 1024 * 1024;
      let liveBytes = 0;
      const slow = new Writable({
        highWaterMark: 16 * 1024,
        write(chunk: Buffer, _enc, cb) {
          liveBytes += chunk.length;
          setTimeout(cb, 40); // far longer than the quiet window below, per chunk
        },
      });
      const fast = make({ graceMs: 500, pipeQuietMs: 50, pipeCapMs: 100 });
      const r = await fast.run(request(`head -c ${total} /dev/zero`, { live: { stdout: slow, stderr: slow } }), () => {});
      expect(r.exitCode).toBe(0);
      await new Promise((resolve) => slow.write(Buffer.alloc(0), resolve));
      expect(liveBytes).toBe(total);
    });
  });
});
