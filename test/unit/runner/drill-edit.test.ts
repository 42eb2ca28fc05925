// A drill runs nothing: an edited command plays what was recorded, and the trainee is told so.
import { describe, expect, it } from 'vitest';
import { createDrillExecutor, type IncidentRecord } from '../../../src/runner/drill.js';

const record: IncidentRecord = {
  started: { type: 'run.started' } as IncidentRecord['started'],
  vars: new Map(),
  commands: new Map([
    [
      '2.1',
      {
        id: '2.1',
        step: 2,
        command: 'df -h /var',
        danger: false,
        output: [{ stream: 'stdout', data: 'recorded df output\n' }],
        finished: { type: 'command.finished', id: '2.1', exit_code: 0, signal: null, duration_ms: 3, timed_out: false, interrupted: false, omitted_bytes: 0 } as NonNullable<IncidentRecord['commands'] extends Map<string, infer C> ? C : never>['finished'],
      },
    ],
  ]),
  durationMs: 10,
  problems: [],
};

async function play(command: string): Promise<string> {
  let text = '';
  const result = await createDrillExecutor(record).run(
    { script: command, shell: '/bin/sh', cwd: '/', env: {}, timeoutMs: 1000, interactive: false, meta: { id: '2.1', step: 2, command } },
    (_stream, chunk) => (text += chunk.toString()),
  );
  expect(result.exitCode).toBe(0);
  return text;
}

describe('the drill executor', () => {
  it('plays the recorded output of the command as it was, and says nothing more', async () => {
    expect(await play('df -h /var')).toBe('[drill] output recorded during the incident for 2.1:\nrecorded df output\n');
  });

  it('an edited command: says it runs nothing, names the command that was run, plays its recording', async () => {
    expect(await play('df -h /var; rm -rf /var/log/old')).toBe(
      '[drill] a drill runs nothing: the command as it was run during the incident is played, not this text\n' +
        '[drill] output recorded during the incident for 2.1 (df -h /var):\nrecorded df output\n',
    );
  });
});

describe('the drill executor and a capture that failed during the incident', () => {
  it('plays it as the failure it was (exit 0, the capture not stored)', async () => {
    const finished = { ...record.commands.get('2.1')!.finished!, capture_error: 'capture=BIG: the command printed more than 64 KiB, more than a capture holds' };
    const failing: IncidentRecord = { ...record, commands: new Map([['2.1', { ...record.commands.get('2.1')!, finished }]]) };
    const result = await createDrillExecutor(failing).run(
      { script: 'df -h /var', shell: '/bin/sh', cwd: '/', env: {}, timeoutMs: 1000, interactive: false, meta: { id: '2.1', step: 2, command: 'df -h /var' } },
      () => undefined,
    );
    expect(result).toMatchObject({ exitCode: 0, captureError: finished.capture_error });
  });
});

describe('the drill executor and a command run on hosts', () => {
  it("names each host's ending in the live run's words", async () => {
    const base = record.commands.get('2.1')!.finished!;
    const hosts = [
      { ...base, host: 'web1' },
      { ...base, host: 'web2', exit_code: null, signal: 'SIGKILL' },
      { ...base, host: 'web3', exit_code: 255, host_error: 'ssh: connect to host web3: Connection refused' },
      { ...base, host: 'web4', exit_code: null, timed_out: true },
      { ...base, host: 'web5', exit_code: null, status_lost: true },
    ];
    const onHosts: IncidentRecord = { ...record, commands: new Map([['2.1', { ...record.commands.get('2.1')!, hosts, finished: hosts[1] }]]) };
    let text = '';
    await createDrillExecutor(onHosts).run(
      { script: 'df -h /var', shell: '/bin/sh', cwd: '/', env: {}, timeoutMs: 1000, interactive: false, meta: { id: '2.1', step: 2, command: 'df -h /var' } },
      (_s, chunk) => (text += chunk.toString()),
    );
    expect(text).toContain('[drill] on 5 hosts: web1 exit 0, web2 killed by SIGKILL, web3 unreachable, web4 timed out, web5 exit status lost\n');
  });
});

describe('the drill executor and output the incident did not record', () => {
  it('reports it as never reaching the runner, so the drill says what the incident said', async () => {
    const finished = { ...record.commands.get('2.1')!.finished!, omitted_bytes: 261_360 };
    const capped: IncidentRecord = { ...record, commands: new Map([['2.1', { ...record.commands.get('2.1')!, finished }]]) };
    const result = await createDrillExecutor(capped).run(
      { script: 'df -h /var', shell: '/bin/sh', cwd: '/', env: {}, timeoutMs: 1000, interactive: false, meta: { id: '2.1', step: 2, command: 'df -h /var' } },
      () => undefined,
    );
    expect(result.unrecordedBytes).toBe(261_360);
    expect((await createDrillExecutor(record).run({ script: 'df -h /var', shell: '/bin/sh', cwd: '/', env: {}, timeoutMs: 1000, interactive: false, meta: { id: '2.1', step: 2, command: 'df -h /var' } }, () => undefined)).unrecordedBytes).toBeUndefined();
  });
});
