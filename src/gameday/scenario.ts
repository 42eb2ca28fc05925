// A game-day scenario: a Markdown file like a runbook (`kind: scenario` in its front-matter) naming a fault
// (`{inject}` and `{revert}` blocks, a `duration`, a `target`), the responder's runbook, and the `{detect}` and
// `{mitigated}` checks. Pure: parsed with the runbook parser, plus the fields only a scenario has.
import * as v from 'valibot';
import { parseDuration } from '../runbook/attributes.js';
import { normalizeText, splitFrontMatter } from '../runbook/front-matter.js';
import type { Problem } from '../runbook/model.js';
import { parseRunbook } from '../runbook/parse.js';

export const BLOCK_ROLES = ['inject', 'revert', 'detect', 'mitigated'] as const;
export type BlockRole = (typeof BLOCK_ROLES)[number];

/**
 * Where a fault acts: this host (processes, a tmpfs made for the game), network namespaces made for the game,
 * or fleet hosts reached over ssh (`hosts:` says which: the operator's `--on`, or a group of `--inventory`).
 */
export const TARGETS = ['local', 'netns', 'hosts'] as const;
export type Target = (typeof TARGETS)[number];

export interface ScenarioBlock {
  role: BlockRole;
  /** The command id ("<step>.<n>") and the step it is in, as the runbook parser numbers them (the timeline records both). */
  id: string;
  step: number;
  /** The title of the section it is in. */
  stepTitle: string;
  text: string;
  /** 1-based line of the fence. */
  line: number;
  shell?: string;
  timeoutMs?: number;
}

export interface Scenario {
  id: string;
  title: string;
  path: string;
  description?: string;
  /** What the fault is, in a few words (`--list` shows it). */
  fault: string;
  /** As written; checked by lint (a real host interface is refused). */
  target: string;
  /** With `target: hosts`: `targets` (the hosts the operator names with --on) or an inventory group. */
  hosts?: string;
  /** The responder's runbook id. */
  runbook: string;
  /** Values given to the responder's runbook (`--var NAME=VALUE`); `${GAMEDAY_DIR}` and friends are filled in. */
  vars: Record<string, string>;
  /** After this long the fault is reverted whatever happened; undefined when missing or malformed (lint says). */
  durationMs?: number;
  /** How often detect and mitigated are checked (default 5 s). */
  pollMs?: number;
  blocks: Record<BlockRole, ScenarioBlock[]>;
  source: string;
  sha256: string;
}

export interface ParsedScenario {
  scenario: Scenario;
  problems: Problem[];
  /** The front-matter could not be read. */
  fatal: boolean;
}

/** Whether a file's front-matter says `kind: scenario` (cheap: no Markdown parse). */
export function isScenarioSource(text: string): boolean {
  const fm = splitFrontMatter(normalizeText(text));
  const d = fm.data as Record<string, unknown> | undefined;
  return typeof d === 'object' && d !== null && d.kind === 'scenario';
}

const Fields = v.object({
  fault: v.optional(v.string()),
  target: v.optional(v.string()),
  hosts: v.optional(v.string()),
  runbook: v.optional(v.string()),
  duration: v.optional(v.union([v.string(), v.number()])),
  poll: v.optional(v.union([v.string(), v.number()])),
  vars: v.optional(v.record(v.string(), v.union([v.string(), v.number(), v.boolean()]))),
});

/** Parse a scenario's text. Problems are lint's (docs/gameday.md lists the rules). */
export function parseScenario(input: string, path: string): ParsedScenario {
  const parsed = parseRunbook(input, path);
  const rb = parsed.runbook;
  // The runbook parser's own problems that matter here (front-matter, attributes); runbook-only rules are not a scenario's.
  const problems: Problem[] = parsed.problems.filter((p) => p.rule !== 'no-steps');
  const fm = splitFrontMatter(normalizeText(rb.source));
  const lines = fm.yaml.split('\n');
  const lineOf = (key: string): number => {
    const i = lines.findIndex((l) => new RegExp(`^${key}\\s*:`).test(l));
    return i < 0 ? 1 : fm.firstLine + i;
  };
  const err = (rule: string, key: string, message: string, line = lineOf(key)): void => {
    problems.push({ file: path, line, severity: 'error', rule, message, field: key });
  };
  const data = (fm.data && typeof fm.data === 'object' ? fm.data : {}) as Record<string, unknown>;
  const r = v.safeParse(Fields, data);
  const f = r.success ? r.output : {};
  if (!r.success) {
    const issue = r.issues[0];
    const key = String(issue?.path?.[0]?.key ?? 'kind');
    err('field-type', key, `${key}: ${issue?.message ?? 'invalid value'}`);
  }

  const blocks: Record<BlockRole, ScenarioBlock[]> = { inject: [], revert: [], detect: [], mitigated: [] };
  for (const step of rb.steps)
    for (const c of step.commands) {
      const roles = BLOCK_ROLES.filter((role) => c.attributes[role] === true);
      if (roles.length === 0) continue;
      if (roles.length > 1) {
        problems.push({ file: path, line: c.line, severity: 'error', rule: 'scenario-block', message: `a block has one role, not ${roles.join(' and ')}` });
        continue;
      }
      const role = roles[0] as BlockRole;
      if (!c.runnable) {
        problems.push({ file: path, line: c.line, severity: 'error', rule: 'scenario-block', message: `the {${role}} block is not a shell block (use \`\`\`bash {${role}})` });
        continue;
      }
      const block: ScenarioBlock = { role, id: c.id, step: step.index, stepTitle: step.title, text: c.text, line: c.line };
      if (c.shell !== undefined) block.shell = c.shell;
      if (c.timeoutMs !== undefined) block.timeoutMs = c.timeoutMs;
      blocks[role].push(block);
    }

  const durationMs = f.duration === undefined ? undefined : parseDuration(f.duration);
  if (f.duration !== undefined && durationMs === undefined) err('scenario-duration', 'duration', `duration must be a time like 90s or 10m, not ${JSON.stringify(f.duration)}`);
  const pollMs = f.poll === undefined ? undefined : parseDuration(f.poll);
  if (f.poll !== undefined && pollMs === undefined) err('field-type', 'poll', `poll must be a time like 5s, not ${JSON.stringify(f.poll)}`);

  const scenario: Scenario = {
    id: rb.id,
    title: rb.title,
    path,
    fault: f.fault?.trim() || rb.title,
    target: f.target?.trim() ?? '',
    runbook: f.runbook?.trim() ?? '',
    vars: Object.fromEntries(Object.entries(f.vars ?? {}).map(([k, val]) => [k, String(val)])),
    blocks,
    source: rb.source,
    sha256: rb.sha256,
  };
  if (rb.description !== undefined) scenario.description = rb.description;
  if (f.hosts !== undefined && f.hosts.trim() !== '') scenario.hosts = f.hosts.trim();
  if (durationMs !== undefined) scenario.durationMs = durationMs;
  if (pollMs !== undefined) scenario.pollMs = pollMs;
  return { scenario, problems, fatal: parsed.fatal };
}
