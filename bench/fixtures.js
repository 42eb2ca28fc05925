// Inputs for bench/run.js, generated on the fly into temp folders.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SERVICES = ['api', 'web', 'db', 'cache', 'queue', 'auth', 'search', 'billing'];
const TAGS = ['linux', 'storage', 'network', 'k8s', 'postgres', 'tls', 'dns', 'memory', 'cpu', 'http'];

/** One realistic runbook of about 2 KB with 5 steps (front-matter, prose, checks, sh and console blocks). */
export function runbookText(i) {
  const id = `svc-${String(i).padStart(5, '0')}`;
  const svc = SERVICES[i % SERVICES.length];
  const tag1 = TAGS[i % TAGS.length];
  const tag2 = TAGS[(i * 7 + 3) % TAGS.length];
  const month = String((i % 12) + 1).padStart(2, '0');
  const day = String((i % 28) + 1).padStart(2, '0');
  return `---
id: ${id}
title: ${svc} incident ${i} — elevated error rate
description: Requests to ${svc} fail or are slow; follow these steps to find and fix the cause.
severity: sev${(i % 3) + 1}
tags: [${tag1}, ${tag2}]
services: [${svc}]
owner: team-${svc}
last_reviewed: 2026-${month}-${day}
timeout: 60s
vars:
  - name: NAMESPACE
    description: Kubernetes namespace of the service
    default: ${svc}
    pattern: '^[a-z0-9-]+$'
---
# ${svc} incident ${i}

Start here when the ${svc} error-rate alert fires. Keep the incident channel updated.

## Check the service health

Look at the health endpoint and the recent error rate. A healthy instance answers within a second
with \`ok\`; anything else means the process is up but one of its dependencies is not.

- [ ] The dashboard for ${svc} is open

\`\`\`sh
curl -fsS http://${svc}.internal/healthz
\`\`\`

## Look at recent logs

Errors usually show up in the logs a minute before the alert fires. Look for stack traces, timeouts
talking to the database, and \`connection refused\` from the cache.

\`\`\`sh {name=logs timeout=30s}
kubectl -n $NAMESPACE logs deploy/${svc} --since=10m | tail -n 100
\`\`\`

## Check resource usage

A pod close to its memory limit is killed and restarted; CPU throttling makes every request slow.

\`\`\`console
$ kubectl -n $NAMESPACE top pods
NAME            CPU(cores)   MEMORY(bytes)
${svc}-7d9f     120m         256Mi
\`\`\`

## Check dependencies

Make sure the database and the cache answer.

\`\`\`sh {allow_failure=true}
pg_isready -h db.internal && redis-cli -h cache.internal ping
\`\`\`

## Roll back if a deploy caused it

When the errors started right after a deploy, roll back first and investigate afterwards: the previous
revision is known to work. Tell the incident channel before you do it, and note the revision.

\`\`\`sh {danger=true}
kubectl -n $NAMESPACE rollout undo deploy/${svc}
\`\`\`

\`\`\`yaml
# the previous revision is kept for 10 deploys
revisionHistoryLimit: 10
\`\`\`
`;
}

/** n runbooks in dir (in subfolders of 500, as a big team library would). */
export function writeLibrary(dir, n) {
  for (let i = 0; i < n; i++) {
    const sub = join(dir, `group-${Math.floor(i / 500)}`);
    if (i % 500 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `svc-${String(i).padStart(5, '0')}.md`), runbookText(i));
  }
}

/** A runbook of `n` trivial commands (`true`), spread over `steps` steps. */
export function manyCommandsRunbook(n, steps = 10) {
  let s = '---\nid: many\ntitle: Many trivial commands\n---\n# Many\n';
  const per = Math.ceil(n / steps);
  for (let k = 0, st = 0; k < n; st++) {
    s += `\n## Step ${st + 1}\n`;
    for (let j = 0; j < per && k < n; j++, k++) s += '\n```sh\ntrue\n```\n';
  }
  return s;
}

/** The 300 MB row's command (bench/run.js `run-300mb` and its floor): log lines into the pipe, 300,000,000 bytes. */
export const FLOOD_COMMAND = "yes 'Nov 28 03:00:00 web-1 app[1234]: request id=42 path=/api/v1/items status=200 took=12ms' | head -c 300000000";

export function oneCommandRunbook(cmd, id = 'one') {
  return `---\nid: ${id}\ntitle: One command\n---\n# One\n\n## Only step\n\n\`\`\`sh\n${cmd}\n\`\`\`\n`;
}
