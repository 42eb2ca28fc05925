// The parsed runbook: what every later stage (list, show, lint, run, drill) reads. Plain data, no behaviour.

export type AttributeValue = string | boolean | number;

export interface VarDecl {
  name: string;
  description?: string;
  default?: string;
  required: boolean;
  /** Source of a regular expression the value must match (already checked to compile). */
  pattern?: string;
  choices?: string[];
  secret: boolean;
  /** `text`: any value (still never code); `integer`: digits only; `string` (the default): the safe set. */
  type?: 'text' | 'integer' | 'string';
}

export interface Command {
  /** "<step>.<n>", 1-based both. */
  id: string;
  /** The shell text as written (continuations of console blocks joined). */
  text: string;
  /** Fence language, lower-case; "" when none. */
  lang: string;
  runnable: boolean;
  danger: boolean;
  /** Why it is dangerous: "danger=true" or the name of the matching destructive pattern. */
  dangerReason?: string;
  /** Runme-style block attributes, as written (unknown ones kept). */
  attributes: Record<string, AttributeValue>;
  /** 1-based line of the fence (or of the `$ ` line in a console block) in the file. */
  line: number;
  /** `{{name}}` placeholders used, in order of first use. */
  placeholders: string[];
  /** Upper-case `$NAME` / `${NAME}` shell references that the shell itself would expand. */
  envRefs: string[];
  /** Sample output shown after a `$ ` command in a console block. */
  sampleOutput?: string;
  /** Derived from attributes. */
  timeoutMs?: number;
  interactive: boolean;
  allowFailure: boolean;
  cwd?: string;
  shell?: string;
}

export interface Check {
  text: string;
  line: number;
}

export interface ProseBlock {
  /** 1-based file line where this run of prose starts. */
  line: number;
  text: string;
}

export interface Step {
  /** 1-based. */
  index: number;
  title: string;
  /** Markdown prose of the section, code blocks and checklist lines removed. */
  prose: string;
  /** The same prose as the runs between commands and checks, in file order. */
  proseBlocks: ProseBlock[];
  checks: Check[];
  commands: Command[];
  line: number;
}

export interface Runbook {
  id: string;
  title: string;
  path: string;
  description?: string;
  severity?: string;
  tags: string[];
  services: string[];
  owner?: string;
  /** YYYY-MM-DD. */
  lastReviewed?: string;
  /** Default per-command timeout from front-matter. */
  timeoutMs?: number;
  /** Front-matter `targets: required`: `run` asks for hosts when none were named (blocks with `on=targets`). */
  targetsRequired?: boolean;
  vars: VarDecl[];
  /** Extra redaction patterns (sources of regular expressions that compile). */
  redact: string[];
  /** Prose before the first step (under the title). */
  intro: string;
  steps: Step[];
  /** The full text of the file, as read (BOM removed). */
  source: string;
  sha256: string;
}

export type Severity = 'error' | 'warning';

export interface Problem {
  file: string;
  line: number;
  severity: Severity;
  rule: string;
  message: string;
  /** The front-matter field it is about (`vars`, `timeout`, `tags`…), when it is about one. */
  field?: string;
}

export interface ParseResult {
  runbook: Runbook;
  problems: Problem[];
}
