// What a run.started says about its runbook (severity, redact patterns, steps), read from the recorded source.
import { parseRunbook } from '../runbook/parse.js';

/** What the stored runbook source says about itself, without the full parser. */
export interface RunbookOutline {
  severity?: string;
  /** The runbook's own `redact` patterns (strings only). */
  redact: string[];
  /** Titles of the `##` steps, in order (one untitled step when there is no `##`). */
  steps: string[];
  /** Ids of the commands marked allow_failure=true. */
  allowFailure: string[];
}

/**
 * Read severity, redact patterns and step titles from a runbook's stored source with the runbook parser
 * itself, so replay counts steps exactly as the runner did. Never throws.
 */
export function outlineRunbook(source: string, path = 'runbook.md'): RunbookOutline {
  // Replay's renderer and fold (and export's redaction) all ask about the same run.started: parse it once.
  if (lastOutline?.source === source && lastOutline.path === path) return lastOutline.outline;
  const rb = parseRunbook(source, path).runbook;
  const outline: RunbookOutline = {
    redact: rb.redact,
    steps: rb.steps.map((s) => s.title),
    allowFailure: rb.steps.flatMap((s) => s.commands.filter((c) => c.allowFailure).map((c) => c.id)),
  };
  if (rb.severity !== undefined) outline.severity = rb.severity;
  lastOutline = { source, path, outline };
  return outline;
}

let lastOutline: { source: string; path: string; outline: RunbookOutline } | undefined;
