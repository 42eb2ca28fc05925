// Runbooks written by other teams, in the styles they really use (paraphrased in test/fixtures/real-world/):
// what a person reading them would pick out as the title, the steps and the commands to run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../src/runbook/parse.js';
import { lintRunbook } from '../../../src/runbook/lint.js';
import { matchDanger } from '../../../src/runbook/danger.js';
import { findAngleArgs, findEnvRefs } from '../../../src/runbook/shell-scan.js';

const FIX = join(__dirname, '..', '..', 'fixtures', 'real-world');
const load = (rel: string) => parseRunbook(readFileSync(join(FIX, rel), 'utf8'), join(FIX, rel));
const parse = (text: string) => parseRunbook(text, '/rb/example.md');
const runnable = (rel: string) =>
  load(rel)
    .runbook.steps.flatMap((s) => s.commands)
    .filter((c) => c.runnable)
    .map((c) => c.text);
const lintRules = (rel: string) =>
  lintRunbook(load(rel), { maxAgeDays: 180, today: '2026-01-01' })
    .filter((p) => !p.rule.startsWith('review-'))
    .map((p) => `${p.severity} ${p.rule}`);
const f = '```';

describe('titles and steps a reader would pick', () => {
  it.each([
    ['alert-sections/QueueBacklogGrowing.md', 'QueueBacklogGrowing', ['Meaning', 'Impact', 'Diagnosis', 'Mitigation']],
    ['hugo/broker-disk-full.md', 'Broker Disk Full', ['Meaning', 'Diagnosis', 'Mitigation']],
    ['hugo/broker-lag.md', 'Broker Lag', ['Diagnosis']],
    // Hugo's JSON front-matter: read like YAML (JSON is YAML), not shown as prose.
    ['hugo/broker-json.md', 'Broker Offline', ['Diagnosis']],
    // No # heading: the title is the file name (PRODUCT.md §3), the one ## section the one step.
    ['team-wiki/bastion-access.md', 'bastion-access', ['Bastion access']],
    // # sections after the ## steps start steps of their own; an empty # heading over ## steps is no step.
    ['team-wiki/scale-down-replica.md', 'Scale down a replica', ['Overview', 'Take it out of load balancing', 'Stop the service', 'Escalation']],
    ['transcripts/db-long-transaction.md', 'Long running transaction', ['Find the query', 'Which client holds it', 'What the process tree looks like', 'Cancel it', 'Log lines you may see']],
  ])('%s', (rel, title, steps) => {
    const p = load(rel);
    expect(p.fatal).toBe(false);
    expect(p.runbook.title).toBe(title);
    expect(p.runbook.steps.map((s) => s.title)).toEqual(steps);
  });

  it('JSON front-matter does not leak into the introduction', () => {
    expect(load('hugo/broker-json.md').runbook.intro).not.toContain('"weight"');
  });

  it('ordered checklists (1. [ ]) become checks and are not repeated in the prose', () => {
    const s = load('team-wiki/scale-down-replica.md').runbook.steps[0];
    expect(s?.checks.map((c) => c.text)).toEqual(['There is a change request for this work.', 'The replica is not the primary.']);
    expect(s?.prose).not.toContain('[ ]');
  });
});

describe('commands a reader would pick out, and nothing else', () => {
  it.each([
    [
      'alert-sections/QueueBacklogGrowing.md',
      [
        'oc -n jobs get pods -l app=worker',
        `oc get nodes -o template --template='{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'`,
        // a shell block that opens with a comment and then shows $ prompts is a transcript
        'oc -n jobs exec $POD -- df -h /data',
        // log lines in a shell block are output, not commands
        'oc adm cordon <NODE_NAME>',
        'oc debug node/<NODE_NAME> -- chroot /host crictl rmi --prune',
        'etcdctl defrag',
      ],
    ],
    [
      'hugo/broker-disk-full.md',
      [
        "kubectl get storageclass `kubectl -n <my-namespace> get pvc <my-pvc> -ojson | jq -r '.spec.storageClassName'`",
        "kubectl get pods -A | awk '{print $1, $NF}'\ncat <<'EOF2'\nnothing here expands: $NOT_ASKED\nEOF2",
      ],
    ],
    [
      // PS1 prompts (user@host:~$, $>, [root@host ~]#) are stripped; psql prompts, trees and logs are not run.
      'transcripts/db-long-transaction.md',
      ['sudo db-console', 'sudo ss -tp | grep 41122', 'lsof -p 41122 | head'],
    ],
    [
      // unlabelled fences holding an ssh config or an /etc/hosts line are not shell
      'team-wiki/bastion-access.md',
      ['ssh -o ConnectTimeout=5 bastion.example.net hostname', 'ssh you@runner-host sudo -H docker-machine rm -f runner-auto-scale-1'],
    ],
    [
      // an unlabelled YAML snippet is not shell
      'team-wiki/scale-down-replica.md',
      ["for c in /usr/local/bin/pgb-console*; do $c -c 'SHOW CLIENTS;' | grep appdb; done | wc -l", 'sudo systemctl stop patroni'],
    ],
  ])('%s', (rel, expected) => {
    expect(runnable(rel)).toEqual(expected);
  });

  it('nothing that is not run is lost: output, queries, data and transcripts are still shown', () => {
    const all = load('transcripts/db-long-transaction.md').runbook.steps.flatMap((s) => s.commands);
    expect(all.some((c) => !c.runnable && c.text.includes('pg_terminate_backend(41122)'))).toBe(true);
    expect(all.find((c) => c.text === 'sudo db-console')?.sampleOutput).toContain('appdb=# select pid');
    const q = load('alert-sections/QueueBacklogGrowing.md').runbook.steps[2]?.commands ?? [];
    expect(q.filter((c) => !c.runnable).map((c) => c.text.split('\n')[0])).toEqual([
      'Mar 03 10:12:44 broker-1 queued[812]: flushed 5000 jobs in 1.2s',
      'sum(queue_pending_jobs{queue="default"}) by (instance)',
    ]);
    expect(q.find((c) => c.text.includes('df -h /data'))?.sampleOutput).toContain('/dev/rbd0');
  });

  it.each([
    ['$ prompt', '$ uptime', ['uptime']],
    ['$> prompt', '$> uptime\n 10:00 up 3 days', ['uptime']],
    ['user@host:path$ prompt', 'ops@web-1:~/app$ uptime\n 10:00 up 3 days', ['uptime']],
    ['[user@host dir]$ prompt', '[ops@web-1 app]$ uptime', ['uptime']],
    ['root@host:~# prompt', 'root@web-1:~# uptime', ['uptime']],
    ['container shell prompt', 'sh-4.4# cat /etc/os-release\nNAME="Fedora"', ['cat /etc/os-release']],
    ['psql prompt alone is not shell', 'appdb=# select 1;\n ?column?', []],
    ['mysql prompt alone is not shell', 'mysql> show processlist;', []],
    ['a bare # line is a comment, not a root prompt', '# check the pods\n$ oc get pods', ['oc get pods']],
  ])('unlabelled transcript with a %s', (_name, body, expected) => {
    const c = parse(`## S\n${f}\n${body}\n${f}\n`).runbook.steps[0]?.commands ?? [];
    expect(c.filter((x) => x.runnable).map((x) => x.text)).toEqual(expected);
    expect(c.length).toBeGreaterThan(0);
  });

  it.each([
    ['YAML', 'replicas: 3\nselector:\n  app: api'],
    ['JSON', '{\n  "replicas": 3\n}'],
    ['an /etc/hosts line', '127.0.0.1   app.local'],
    ['log lines', '2024-05-01T10:00:00Z level=error msg="boom"'],
    ['syslog lines', 'Oct 18 19:39:36 web-1 chronyd[2055]: System clock wrong'],
    ['a table', 'NAME      READY   STATUS\napi-1     1/1     Running'],
    ['a process tree', 'systemd(1)───sshd(1369)'],
    ['an ssh config', 'Host web-1\n    User ops'],
    ['SQL', 'SELECT count(*) FROM sessions;'],
  ])('an unlabelled fence of %s is shown, not run', (_name, body) => {
    const c = parse(`## S\n${f}\n${body}\n${f}\n`).runbook.steps[0]?.commands ?? [];
    expect(c.map((x) => [x.text, x.runnable])).toEqual([[body, false]]);
  });

  it.each([
    ['an unlabelled command', 'uptime'],
    ['an assignment before a command', 'NAMESPACE=shop kubectl get pods -n $NAMESPACE'],
    ['a test', '[ -f /etc/motd ] && cat /etc/motd'],
    ['a subshell', '(cd /tmp && ls)'],
  ])('%s in an unlabelled fence still runs', (_name, body) => {
    const c = parse(`## S\n${f}\n${body}\n${f}\n`).runbook.steps[0]?.commands ?? [];
    expect(c.map((x) => [x.text, x.runnable])).toEqual([[body, true]]);
  });

  it('a shell-labelled block of log lines is output, a shell-labelled command still runs', () => {
    const c = parse(`## S\n${f}shell\nOct 18 19:39:36 web-1 chronyd[2055]: System clock wrong\n${f}\n\n${f}shell\nNAMESPACE=shop\nkubectl get pods -n $NAMESPACE\n${f}\n`).runbook.steps[0]?.commands ?? [];
    expect(c.map((x) => x.runnable)).toEqual([false, true]);
  });
});

describe('variables a reader would be asked for', () => {
  it('Go-template actions ({{end}}, {{range}}) are not placeholders: no lint error, nothing asked', () => {
    const cs = load('alert-sections/QueueBacklogGrowing.md').runbook.steps.flatMap((s) => s.commands);
    expect(cs.flatMap((c) => c.placeholders)).toEqual([]);
    expect(lintRules('alert-sections/QueueBacklogGrowing.md')).not.toContain('error undeclared-var');
  });

  it('Helm/Hugo templates in a YAML sample are not placeholders', () => {
    const cs = load('hugo/broker-disk-full.md').runbook.steps.flatMap((s) => s.commands);
    expect(cs.flatMap((c) => c.placeholders)).toEqual([]);
    expect(lintRules('hugo/broker-disk-full.md').filter((r) => r.startsWith('error'))).toEqual([]);
  });

  it('a declared name is still a placeholder, also next to Go-template actions', () => {
    const c = parse(`---\nvars:\n  - name: ns\n---\n## S\n${f}sh\nkubectl -n {{ns}} get pods -o go-template='{{range .items}}{{.metadata.name}}{{end}}'\n${f}\n`).runbook.steps[0]?.commands[0];
    expect(c?.placeholders).toEqual(['ns']);
  });

  it('an undeclared {{name}} in a runnable command is still a placeholder (lint says so)', () => {
    const p = parse(`## S\n${f}sh\ndf -h {{mount}}\n${f}\n`);
    expect(p.runbook.steps[0]?.commands[0]?.placeholders).toEqual(['mount']);
  });

  it.each([
    ['a quoted here-document does not expand', "cat <<'EOF'\n$NOT_ASKED\nEOF\necho $ASKED", ['ASKED']],
    ['a "quoted" here-document does not expand', 'cat <<"EOF"\n$NOT_ASKED\nEOF', []],
    ['an unquoted here-document does', 'cat <<EOF\n$ASKED\nEOF', ['ASKED']],
    ['<<- with tabs', "cat <<-'EOF'\n\t$NOT_ASKED\n\tEOF\necho $ASKED", ['ASKED']],
    ['awk programs in single quotes', "awk '{print $1, $NF}' /etc/hosts", []],
  ])('%s', (_name, text, refs) => {
    expect(findEnvRefs(text)).toEqual(refs);
  });
});

describe('danger marks on real commands', () => {
  it.each([
    'oc adm cordon node-1',
    'oc adm drain node-1 --ignore-daemonsets',
    'kubectl -n shop cordon node-1',
    'oc debug node/n1 -- chroot /host crictl rmi --prune',
    'crictl rm $(crictl ps -a -q --state exited)',
    'ssh you@host sudo -H docker-machine rm -f runner-1',
    'etcdctl defrag',
    'etcdctl del /registry/pods/x',
    'etcdctl member remove 8e9e05c52164694d',
    'gitlab-patronictl failover --force',
    'patronictl restart main db-1',
  ])('%s is dangerous', (cmd) => {
    expect(matchDanger(cmd)).toBeDefined();
  });

  it.each(['oc adm node-logs --role=master -u kubelet', 'oc adm top nodes', 'crictl ps -a', 'etcdctl endpoint health -w table', 'gitlab-patronictl list', 'docker-machine ls'])(
    '%s is not dangerous',
    (cmd) => {
      expect(matchDanger(cmd)).toBeUndefined();
    },
  );
});

describe('lint on real collections', () => {
  it.each([
    // <NODE_NAME> twice; exec (documented as dangerous), adm cordon, crictl rmi, etcdctl defrag
    // `oc exec $POD -- df -h` is judged by what runs in the pod (df): not dangerous.
    ['alert-sections/QueueBacklogGrowing.md', ['warning angle-placeholder', 'warning angle-placeholder', 'warning danger-unmarked', 'warning danger-unmarked', 'warning danger-unmarked']],
    ['hugo/broker-lag.md', []],
    ['team-wiki/bastion-access.md', ['warning danger-unmarked']],
  ])('%s', (rel, rules) => {
    expect(lintRules(rel).sort()).toEqual(rules.sort());
  });

  it('<NAME> placeholders in a runnable command are pointed out once per command, with the line', () => {
    const probs = lintRunbook(load('alert-sections/QueueBacklogGrowing.md'), { maxAgeDays: 180, today: '2026-01-01' }).filter((p) => p.rule === 'angle-placeholder');
    expect(probs.map((p) => p.line)).toEqual([54, 60]); // the fences
    expect(probs[0]?.message).toContain('command 4.1 has <NODE_NAME>');
  });

  it.each([
    ["grep '<title>' page.html", []],
    ['echo "rerun with --var pid=<PID>"', []],
    ['oc debug node/<NODE_NAME> -- df', ['<NODE_NAME>']],
    ['cat <<EOF\nx\nEOF', []],
    ['sort <in.txt >out.txt', []],
    ['kubectl -n <my-namespace> get pvc <my-pvc>', ['<my-namespace>', '<my-pvc>']],
  ])('angle placeholders in %j', (text, names) => {
    expect(findAngleArgs(text)).toEqual(names);
  });
});
