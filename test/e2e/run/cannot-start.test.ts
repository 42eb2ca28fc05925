// A command that cannot start is a failed command: recorded (command.finished with the reason), one clear
// line, then --yes ends the run with exit 1; never a hang or a silent exit. A NUL byte in a value is refused
// before anything runs.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, onlyTimeline, readEvents, runCli, workDir } from '../../helpers/run-cli.js';

afterEach(() => cleanup());

const big = 'x'.repeat(200 * 1024);

describe('a command that cannot start', () => {
  it.each([
    ['a block over 128 KiB', `# Big\n\n## S\n\n\`\`\`sh {timeout=20s}\necho '${big}' | wc -c\n\`\`\`\n`],
    ['a value over 128 KiB', `---\nvars:\n  - name: v\n    default: ${big}\n---\n# Big\n\n## S\n\n\`\`\`sh {timeout=20s}\nprintf '%s' "{{v}}" | wc -c\n\`\`\`\n`],
  ])('%s: command.finished with the reason, one line, exit 1 within the timeout', async (_what, text) => {
    const w = workDir();
    w.write('big.md', text);
    const started = Date.now();
    const r = await runCli(['run', 'big.md', '--yes'], { cwd: w.dir, timeoutMs: 60_000 });
    expect(r.code, r.stderr.slice(-500)).toBe(1);
    expect(Date.now() - started).toBeLessThan(50_000);
    expect(r.stderr).toContain('could not start: the command and its environment are over the system limit (a block or a value over 128 KiB)');
    const events = readEvents(onlyTimeline(w.dir));
    expect(events.find((e) => e.type === 'command.finished')).toMatchObject({ id: '1.1', exit_code: null });
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'failed' });
  }, 90_000);

  it('a NUL byte in a value is refused at input (exit 2) before anything runs', async () => {
    const w = workDir();
    w.write('nul.md', `---\nvars:\n  - name: v\n    type: text\n    default: "a\\0b"\n---\n# Nul\n\n## S\n\n\`\`\`sh\nprintf '%s' "{{v}}" > out\n\`\`\`\n`);
    const r = await runCli(['run', 'nul.md', '--yes'], { cwd: w.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/variable v contains a NUL byte, which no command can receive \(the runbook default\)/);
  });
});
