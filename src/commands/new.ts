// `runbook new <id>`: a scaffold that passes lint as written. Never overwrites.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { NewOptions } from '../cli.js';
import type { Io } from '../io.js';
import { UserError, describeSystemError } from '../errors.js';
import { relativeTo, todayUtc } from './shared.js';
import { hint } from '../self-name.js';

export function scaffold(id: string, title: string, today: string): string {
  return `---
id: ${id}
title: ${JSON.stringify(title)}
description: What the alert means and who is affected, in one sentence.
severity: sev3
tags: []
services: []
owner: your-team
last_reviewed: ${today}
timeout: 60s
vars:
  - name: host
    description: Host to inspect
    default: localhost
    pattern: '^[A-Za-z0-9.-]+$'
---
# ${title}

What this alert means, the impact on users, and when to escalate.

## Check the basics

Cheapest read-only checks first. Say what to look for in the output.

- [ ] Open the dashboard for this service

\`\`\`sh
uptime
\`\`\`

## Look closer

\`\`\`sh {timeout=30s}
getent hosts {{host}}
\`\`\`

## Mitigate

State-changing commands are marked \`danger=true\`: the operator must type a confirmation word.

\`\`\`sh {danger=true}
echo "replace with the mitigation, e.g. systemctl restart my-service"
\`\`\`

## Verify

\`\`\`sh
uptime
\`\`\`
`;
}

export async function newRunbook(id: string, o: NewOptions, io: Io): Promise<number> {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(id)) throw new UserError(`invalid id "${id}": use letters, digits, '.', '_' and '-' (it becomes the file name)`);
  const dir = resolve(io.cwd, o.dirs[0] ?? 'runbooks');
  const file = join(dir, `${id}.md`);
  const title = o.title ?? id.replace(/[-_]+/g, ' ').replace(/^./, (c) => c.toUpperCase());
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(file, scaffold(id, title, todayUtc()), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new UserError(`${relativeTo(io.cwd)(file)} already exists (not overwritten)`);
    throw new UserError(`cannot write ${file}: ${describeSystemError(err)}`);
  }
  io.stdout.write(`${relativeTo(io.cwd)(file)}\n`);
  io.stderr.write(`wrote a new runbook; edit it, then check it with: ${hint(io, 'lint', relativeTo(io.cwd)(file))}\n`);
  return 0;
}
