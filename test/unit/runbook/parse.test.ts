import { describe, expect, it } from 'vitest';
import { parseRunbook, splitConsole } from '../../../src/runbook/parse.js';
import fc from 'fast-check';
import { fenceLangAndRun, isFalse, parseFenceInfo, parseDuration } from '../../../src/runbook/attributes.js';
import { decode } from '../../../src/runbook/load.js';

const parse = (text: string, path = '/rb/example.md') => parseRunbook(text, path);
const cmds = (text: string) => parse(text).runbook.steps.flatMap((s) => s.commands);
const fence = '```';

describe('steps and titles', () => {
  it('each ## section is a step, in order, with its prose', () => {
    const r = parse(`# T\n\nIntro text.\n\n## One\nfirst prose\n\n## Two\nsecond\n`).runbook;
    expect(r.title).toBe('T');
    expect(r.intro).toBe('Intro text.');
    expect(r.steps.map((s) => [s.index, s.title, s.prose])).toEqual([
      [1, 'One', 'first prose'],
      [2, 'Two', 'second'],
    ]);
    expect(r.steps[0]?.line).toBe(5);
  });

  it.each([
    ['front-matter title wins', `---\ntitle: From FM\n---\n# From H1\n`, 'From FM'],
    ['else the first # heading', `Some text\n\n# From H1\n\n## Step\n`, 'From H1'],
    ['else the file name', `## Step\ntext\n`, 'example'],
    ['inline code in a heading keeps its words', '# Restart `nginx` safely\n', 'Restart nginx safely'],
  ])('title: %s', (_name, text, title) => {
    expect(parse(text).runbook.title).toBe(title);
  });

  it('id comes from front-matter, else the file name', () => {
    expect(parse(`---\nid: disk-full\n---\n`).runbook.id).toBe('disk-full');
    expect(parse(`# x`, '/a/b/redis-down.md').runbook.id).toBe('redis-down');
  });

  it('a runbook with no ## heading is one step holding everything, and lint hears about it', () => {
    const p = parse(`# Only\n\ntext\n\n${fence}sh\nuptime\n${fence}\n`);
    expect(p.runbook.steps).toHaveLength(1);
    expect(p.runbook.steps[0]?.title).toBe('Only');
    expect(p.runbook.steps[0]?.commands[0]?.text).toBe('uptime');
    expect(p.problems.map((x) => x.rule)).toContain('no-steps');
  });

  it('documents sectioned with several # headings use them as steps, the first as the title', () => {
    const r = parse(`# Title\n\n# Diagnosis\n${fence}sh\nuptime\n${fence}\n# Mitigation\ntext\n`).runbook;
    expect(r.title).toBe('Title');
    expect(r.steps.map((s) => s.title)).toEqual(['Diagnosis', 'Mitigation']);
  });

  it('commands before the first ## are kept as a step of their own', () => {
    const r = parse(`# T\n\n${fence}sh\nwhoami\n${fence}\n\n## Next\n${fence}sh\nuptime\n${fence}\n`).runbook;
    expect(r.steps.map((s) => s.title)).toEqual(['Before you start', 'Next']);
    expect(r.steps[0]?.commands[0]?.text).toBe('whoami');
  });

  it('### sub-headings stay inside their step', () => {
    const r = parse(`## Diagnose\n### Look\ntext\n### Then\nmore\n`).runbook;
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0]?.prose).toContain('### Look');
  });
});

describe('commands', () => {
  it.each([
    ['sh', true],
    ['bash', true],
    ['shell', true],
    ['zsh', true],
    ['', true],
    ['yaml', false],
    ['promql', false],
    ['text', false],
    ['json', false],
  ])('a %j fence is runnable: %s', (lang, runnable) => {
    const c = cmds(`## S\n${fence}${lang}\nsome text\n${fence}\n`);
    expect(c).toHaveLength(1);
    expect(c[0]?.runnable).toBe(runnable);
    expect(c[0]?.lang).toBe(lang);
  });

  it('~~~ fences and four-backtick fences work, including a fence inside a fence', () => {
    const c = cmds(`## S\n~~~bash\necho tilde\n~~~\n\n\`\`\`\`sh\necho four\n\`\`\`\n\`\`\`\`\n`);
    expect(c.map((x) => x.text)).toEqual(['echo tilde', 'echo four\n```']);
  });

  it('fences nested in lists are commands, their indentation removed', () => {
    const c = cmds(`## S\n1. First do this:\n   ${fence}sh\n   kubectl get pods\n   ${fence}\n2. Then:\n   - ${fence}bash\n     uptime\n     ${fence}\n`);
    expect(c.map((x) => x.text)).toEqual(['kubectl get pods', 'uptime']);
  });

  it('indented code and inline code are never commands', () => {
    const r = parse(`## S\nRun \`rm -rf /\` never.\n\n    indented command\n`).runbook;
    expect(r.steps[0]?.commands).toEqual([]);
    expect(r.steps[0]?.prose).toContain('`rm -rf /`');
  });

  it('command ids are "<step>.<n>" and lines point at the fence', () => {
    const c = cmds(`## A\n${fence}sh\na\n${fence}\n${fence}sh\nb\n${fence}\n## B\n${fence}sh\nc\n${fence}\n`);
    expect(c.map((x) => [x.id, x.line])).toEqual([
      ['1.1', 2],
      ['1.2', 5],
      ['2.1', 9],
    ]);
  });

  it('line numbers count the front-matter', () => {
    const c = cmds(`---\ntitle: x\n---\n## A\n${fence}sh\na\n${fence}\n`);
    expect(c[0]?.line).toBe(5);
  });
});

describe('console / shell-session blocks', () => {
  it('splits $ commands from sample output, joining \\ continuations', () => {
    const c = cmds(`## S\n${fence}console\n$ oc get pods -n openshift-monitoring \\\n    --selector app=prometheus\nNAME            READY\nprometheus-0    2/2\n$ oc get nodes\nnode-1 Ready\n${fence}\n`);
    expect(c.map((x) => [x.text, x.sampleOutput, x.runnable])).toEqual([
      ['oc get pods -n openshift-monitoring --selector app=prometheus', 'NAME            READY\nprometheus-0    2/2', true],
      ['oc get nodes', 'node-1 Ready', true],
    ]);
    expect(c.map((x) => x.line)).toEqual([3, 7]);
  });

  it('shell-session works the same, and a bash block written with $ prompts too', () => {
    expect(cmds(`## S\n${fence}shell-session\n$ uptime\n 10:00 up\n${fence}\n`).map((x) => x.text)).toEqual(['uptime']);
    expect(cmds(`## S\n${fence}bash\n$ kubectl get ns\n$ kubectl get pods\n${fence}\n`).map((x) => x.text)).toEqual(['kubectl get ns', 'kubectl get pods']);
  });

  it('a console block with no $ line is sample output, shown and never run', () => {
    const c = cmds(`## S\n${fence}console\nsome output\n${fence}\n`);
    expect(c).toHaveLength(1);
    expect(c[0]?.runnable).toBe(false);
  });

  it('splitConsole keeps PS2 "> " continuation lines out of the command', () => {
    expect(splitConsole('$ echo a \\\n> b').map((p) => p.text)).toEqual(['echo a b']);
  });
});

describe('block attributes (Runme syntax)', () => {
  it.each([
    ['sh {name=check-disk timeout=30s}', { name: 'check-disk', timeout: '30s' }],
    ['sh {"name":"check-disk","danger":true}', { name: 'check-disk', danger: true }],
    ['bash { name=x interactive=true }', { name: 'x', interactive: true }],
    ['sh {title="two words" run=false}', { title: 'two words', run: false }],
    ['sh {unknown=kept}', { unknown: 'kept' }],
    ['sh', {}],
  ])('%s', (info, attributes) => {
    expect(parseFenceInfo(info).attributes).toEqual(attributes);
  });

  it("list's reading of an info string gives the language and `run` the full parse gives, for any info string", () => {
    const word = fc.constantFrom('sh', 'SH', 'bash', 'console', 'text', 'run', 'RUN', 'false', 'true', 'name', 'x', '=', '{', '}', '"', "'", ':', ',', ' ', '\t', 'run=false', '{run}', '{"run": false}', '{run="false"}', '{"\\u0072un": false}', '{"r\\u0075n": "no"}', '\\u0072', '\\');
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (parts) => {
        const info = parts.join('');
        const full = parseFenceInfo(info);
        const lean = fenceLangAndRun(info);
        expect(lean.lang).toBe(full.lang);
        expect(isFalse(lean.attributes.run)).toBe(isFalse(full.attributes.run));
      }),
      { numRuns: 2000 },
    );
  });

  it('run=false makes a shell block display only; danger, timeout, cwd, shell, interactive, allow_failure are read', () => {
    const c = cmds(`## S\n${fence}sh {run=false}\necho shown\n${fence}\n${fence}sh {danger=true timeout=5m cwd=/tmp shell=zsh interactive=true allow_failure=true}\necho x\n${fence}\n`);
    expect(c[0]?.runnable).toBe(false);
    expect(c[1]).toMatchObject({ danger: true, dangerReason: 'danger=true', timeoutMs: 300_000, cwd: '/tmp', shell: 'zsh', interactive: true, allowFailure: true });
  });

  it('a detected danger names the command that matched (without its wrapper), not the whole pattern family', () => {
    const c = cmds(`## S\n${fence}sh\nls\nsudo kubectl -n shop rollout restart deploy/api\n${fence}\n`);
    expect(c[0]).toMatchObject({ danger: true, dangerReason: 'kubectl -n shop rollout restart deploy/api' });
  });

  it('danger=false cannot switch off a destructive pattern', () => {
    const c = cmds(`## S\n${fence}sh {danger=false}\nkubectl delete pod x\n${fence}\n`);
    expect(c[0]?.danger).toBe(true);
  });

  it('a bad timeout is a lint error on the fence line', () => {
    const p = parse(`## S\n${fence}sh {timeout=soon}\nx\n${fence}\n`);
    expect(p.problems).toContainEqual(expect.objectContaining({ rule: 'bad-attribute', line: 2, severity: 'error' }));
  });

  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1500ms', 1500],
    ['2m30s', 150_000],
    ['45', 45_000],
    ['soon', undefined],
    ['0s', undefined],
  ])('duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('checks', () => {
  it('- [ ] and - [x] items are checks, not repeated in the prose', () => {
    const s = parse(`## S\nBefore.\n\n- [ ] Open the dashboard\n- [x] Page the DBA\n- plain item\n`).runbook.steps[0];
    expect(s?.checks.map((c) => [c.text, c.line])).toEqual([
      ['Open the dashboard', 4],
      ['Page the DBA', 5],
    ]);
    expect(s?.prose).toBe('Before.\n\n- plain item');
  });
});

describe('variables referenced by commands', () => {
  it('collects {{name}} placeholders and upper-case $NAME references per command', () => {
    const c = cmds(`## S\n${fence}sh\nkubectl -n $NAMESPACE logs \${POD} --since={{since}} | grep {{ pattern }}\n${fence}\n`)[0];
    expect(c?.placeholders).toEqual(['since', 'pattern']);
    expect(c?.envRefs).toEqual(['NAMESPACE', 'POD']);
  });

  it('takes whole names: $ABC_def is not $AB, and $RUNBOOK_VAR_x (set by the runner) is never asked for', () => {
    const c = cmds(`## S\n${fence}sh\necho "$RUNBOOK_VAR_token" $ABC_def \${NS_lower} $OK_1\n${fence}\n`)[0];
    expect(c?.envRefs).toEqual(['OK_1']);
  });

  it('ignores $ references in comments, but not a # inside a word or in quotes', () => {
    const c = cmds(`## S\n${fence}sh\n# needs $FOO_TOKEN exported first\necho $BAR # and $BAZ\necho a#$WORD "#$QUOTED"\n${fence}\n`)[0];
    expect(c?.envRefs).toEqual(['BAR', 'WORD', 'QUOTED']);
  });

  it('ignores $ references in single quotes, well-known variables, lower case and names the command sets', () => {
    const c = cmds(`## S\n${fence}sh\nawk '{print $NF}' $HOME/x; for POD in a b; do echo $POD; done; X=1; echo $X $lower $1 \\$ESCAPED\n${fence}\n`)[0];
    expect(c?.envRefs).toEqual([]);
  });
});

describe('front-matter', () => {
  it('reads every field', () => {
    const r = parse(`---
id: disk-full
title: Disk almost full
description: A filesystem is above 90%.
severity: sev2
tags: [linux, storage]
services: [api]
owner: platform-team
last_reviewed: 2026-10-01
timeout: 60s
vars:
  - name: mount
    description: Mount point
    default: /
    pattern: '^/'
  - name: db_password
    secret: true
  - name: env
    choices: [prod, staging]
    required: true
redact: ['internal-[0-9a-f]{8}']
---
`).runbook;
    expect(r).toMatchObject({
      id: 'disk-full',
      title: 'Disk almost full',
      description: 'A filesystem is above 90%.',
      severity: 'sev2',
      tags: ['linux', 'storage'],
      services: ['api'],
      owner: 'platform-team',
      lastReviewed: '2026-10-01',
      timeoutMs: 60_000,
      redact: ['internal-[0-9a-f]{8}'],
    });
    expect(r.vars).toEqual([
      { name: 'mount', description: 'Mount point', default: '/', pattern: '^/', required: false, secret: false },
      { name: 'db_password', required: false, secret: true },
      { name: 'env', choices: ['prod', 'staging'], required: true, secret: false },
    ]);
  });

  it('Hugo front-matter with title and weight reads fine; TOML +++ front-matter gives its title', () => {
    expect(parse(`---\ntitle: "Alert: KubePodCrashLooping"\nweight: 20\n---\nBody\n`).runbook.title).toBe('Alert: KubePodCrashLooping');
    const toml = parse(`+++\ntitle = "Etcd down"\nweight = 10\n+++\n\n## Meaning\n`);
    expect(toml.runbook.title).toBe('Etcd down');
    expect(toml.runbook.steps.map((s) => s.title)).toEqual(['Meaning']);
  });

  it('invalid YAML is one fatal error with its file line; the body is still read', () => {
    const p = parse(`---\ntitle: ok\ntags: [a, b\n---\n## Step\n`);
    expect(p.fatal).toBe(true);
    expect(p.problems).toEqual([expect.objectContaining({ rule: 'invalid-yaml', severity: 'error', file: '/rb/example.md' })]);
    expect(p.problems[0]?.line).toBeGreaterThanOrEqual(3);
    expect(p.runbook.steps[0]?.title).toBe('Step');
  });

  it.each([
    ['tags: 42', 'field-type', 2],
    ['title: [a, b]', 'field-type', 2],
    ['last_reviewed: 2026-13-45', 'bad-date', 2],
    ['last_reviewed: last week', 'bad-date', 2],
    ['timeout: forever', 'field-type', 2],
    ['vars:\n  - name: 9lives', 'field-type', 3],
    ["vars:\n  - name: x\n    pattern: '[unclosed'", 'invalid-pattern', 3],
    ["redact: ['(']", 'invalid-pattern', 2],
  ])('%s is a lint error (%s) on line %i, and the rest still reads', (yaml, rule, line) => {
    const p = parse(`---\n${yaml}\n---\n## S\n`);
    expect(p.fatal).toBe(false);
    expect(p.problems).toContainEqual(expect.objectContaining({ rule, line, severity: 'error' }));
    expect(p.runbook.steps).toHaveLength(1);
  });

  it('one wrong field does not drop the others', () => {
    const r = parse(`---\ntitle: Fine\ntags: 42\nowner: me\n---\n`).runbook;
    expect(r.title).toBe('Fine');
    expect(r.owner).toBe('me');
    expect(r.tags).toEqual([]);
  });

  it('vars may also be a mapping of name to spec', () => {
    const r = parse(`---\nvars:\n  mount:\n    default: /var\n  host: localhost\n---\n`).runbook;
    expect(r.vars.map((v) => [v.name, v.default])).toEqual([
      ['mount', '/var'],
      ['host', 'localhost'],
    ]);
  });
});

describe('text encodings', () => {
  it('a UTF-8 BOM and CRLF line endings are handled', () => {
    const r = parse('\uFEFF---\r\ntitle: Win\r\n---\r\n## Step\r\n```sh\r\necho hi\r\n```\r\n').runbook;
    expect(r.title).toBe('Win');
    expect(r.steps[0]?.commands[0]?.text).toBe('echo hi');
    expect(r.source.startsWith('---')).toBe(true);
  });

  it('an empty file is a runbook with one empty step and no crash', () => {
    const p = parse('', '/rb/empty.md');
    expect(p.runbook.title).toBe('empty');
    expect(p.runbook.steps).toHaveLength(1);
    expect(p.runbook.steps[0]?.commands).toEqual([]);
  });

  it('invalid UTF-8 is decoded with replacement characters and reported with its line', () => {
    const bytes = Buffer.concat([Buffer.from('# T\n\n## S\nbad: '), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]);
    const d = decode(bytes, '/rb/bad.md');
    expect(d.text).toContain('\uFFFD');
    expect(d.problems).toEqual([expect.objectContaining({ rule: 'invalid-utf8', line: 4, severity: 'error' })]);
  });
});

describe('real-world styles', () => {
  it('Meaning / Impact / Diagnosis / Mitigation with inline commands: steps with prose, no runnable command', () => {
    const p = parse(`---
title: KubePodCrashLooping
weight: 20
---
# KubePodCrashLooping

## Meaning

Pod is in CrashLoopBackOff state.

## Impact

Service degradation or unavailability.

## Diagnosis

- Check template via \`kubectl -n $NAMESPACE get pod $POD\`.
- Check events with \`kubectl -n $NAMESPACE describe pod $POD\`

## Mitigation

See the debugging guide.
`);
    expect(p.runbook.title).toBe('KubePodCrashLooping');
    expect(p.runbook.steps.map((s) => s.title)).toEqual(['Meaning', 'Impact', 'Diagnosis', 'Mitigation']);
    expect(p.runbook.steps[2]?.prose).toContain('kubectl -n $NAMESPACE get pod $POD');
    expect(p.runbook.steps.flatMap((s) => s.commands)).toEqual([]);
  });

  it('no front-matter, an H1 title, console blocks with $ oc prompts, output lines and YAML samples', () => {
    const r = parse(`# ClusterOperatorDown

## Diagnosis

${fence}console
$ oc get clusteroperator $CLUSTEROPERATOR
NAME      VERSION   AVAILABLE
dns       4.14.1    False
${fence}

The condition looks like:

${fence}yaml
status:
  conditions:
  - type: Available
    status: "False"
${fence}
`).runbook;
    expect(r.title).toBe('ClusterOperatorDown');
    const c = r.steps[0]?.commands ?? [];
    expect(c.map((x) => [x.text, x.runnable, x.lang])).toEqual([
      ['oc get clusteroperator $CLUSTEROPERATOR', true, 'console'],
      ['status:\n  conditions:\n  - type: Available\n    status: "False"', false, 'yaml'],
    ]);
    expect(c[0]?.envRefs).toEqual(['CLUSTEROPERATOR']);
  });
});
