// Routing only: commander flags -> typed options -> a lazily imported command. No command logic here.
import { Command, CommanderError, Help, InvalidArgumentError, Option } from 'commander';
import type { Io } from './io.js';
import { UserError, ExitCode } from './errors.js';
import { VERSION } from './version.js';

export interface GlobalOptions {
  dirs: string[];
}
export interface ListOptions extends GlobalOptions {
  tag: string[];
  service?: string;
  severity?: string;
  search?: string;
  json: boolean;
}
export interface ShowOptions extends GlobalOptions {
  json: boolean;
}
export interface LintOptions extends GlobalOptions {
  json: boolean;
  maxAge: number;
}
export interface NewOptions extends GlobalOptions {
  title?: string;
}
export interface RunOptions extends GlobalOptions {
  vars: string[];
  /** Variables whose values may hold any characters (still passed as data): `--free-text NAME`. */
  freeText?: string[];
  timeline?: string;
  dryRun: boolean;
  yes: boolean;
  allowDangerous: boolean;
  fromStep?: number;
  resume?: string;
  /** The SSH key that signs the seal (else $RUNBOOK_SIGNING_KEY, else ~/.ssh/id_ed25519 when it exists). */
  sign?: string;
  /** false with --no-session: each command starts from a clean state. */
  session?: boolean;
  /** Hosts for `on=targets` blocks: names, user@host:port, or inventory groups (`--on`, repeatable, comma-separated). */
  on?: string[];
  inventory?: string;
  sshConfig?: string;
  parallel?: number;
}
export interface TimelineTarget {
  timeline?: string;
}
export interface MarkOptions extends TimelineTarget {
  /** When it happened, as typed (ISO 8601, HH:MM, 15m ago); absent: now. */
  at?: string;
  force: boolean;
}
export interface StatusOptions extends TimelineTarget {
  json: boolean;
  watch: boolean;
}
export interface HandoverOptions extends TimelineTarget {
  to: string;
}
export interface IncidentsOptions {
  json: boolean;
  all: boolean;
}
export interface ReplayOptions {
  speed: number;
  maxIdle: number;
  instant: boolean;
  follow: boolean;
  json: boolean;
}
const EXPORT_FORMATS = ['markdown', 'cast', 'json', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
const FORMAT_OF_EXTENSION: Readonly<Record<string, ExportFormat>> = { md: 'markdown', markdown: 'markdown', cast: 'cast', json: 'json', html: 'html', htm: 'html' };

/** --format as given; else what the -o file's extension names (report.html: html); else the postmortem draft. */
export function exportFormat(given: string | undefined, output: string | undefined): ExportFormat {
  if (given !== undefined) return given as ExportFormat;
  const ext = /\.([A-Za-z]+)$/.exec(output ?? '')?.[1]?.toLowerCase();
  return (ext !== undefined ? FORMAT_OF_EXTENSION[ext] : undefined) ?? 'markdown';
}
export interface ExportOptions {
  format: ExportFormat;
  output?: string;
}
export interface DrillOptions {
  yes: boolean;
}
export interface VerifyOptions {
  allowedSigners?: string;
  json: boolean;
}
export interface SealOptions {
  sign?: string;
}
export interface GamedayOptions extends GlobalOptions {
  list: boolean;
  json: boolean;
  cleanup: boolean;
  history: boolean;
  yes: boolean;
  split: boolean;
  autoRespond: boolean;
  /** Seconds between checks (default: the scenario's poll, else 5). */
  poll?: number;
  /** Seconds the game may last (default: the scenario's duration). */
  duration?: number;
  /** A `target: hosts` scenario's hosts, as for run: names, user@host:port, inventory groups. */
  on?: string[];
  inventory?: string;
  sshConfig?: string;
}

/** What the router hands back: which command to run, with what. Tests assert on this table. */
export type Route =
  | { command: 'list'; options: ListOptions }
  | { command: 'show'; runbook: string; options: ShowOptions }
  | { command: 'lint'; paths: string[]; options: LintOptions }
  | { command: 'new'; id: string; options: NewOptions }
  /** `runbook` is left out only with --resume (the timeline names its runbook). */
  | { command: 'run'; runbook?: string; options: RunOptions }
  | { command: 'note'; text: string; options: TimelineTarget }
  | { command: 'mark'; what: string; text: string; options: MarkOptions }
  | { command: 'incidents'; options: IncidentsOptions }
  /** `timeline` is left out only with --follow (the live run registered on this host). */
  | { command: 'replay'; timeline?: string; options: ReplayOptions }
  | { command: 'status'; options: StatusOptions }
  | { command: 'handover'; text: string; options: HandoverOptions }
  | { command: 'export'; timeline: string; options: ExportOptions }
  | { command: 'drill'; timeline: string; options: DrillOptions }
  | { command: 'verify'; timeline: string; options: VerifyOptions }
  | { command: 'seal'; timeline: string; options: SealOptions }
  | { command: 'gameday'; scenario?: string; options: GamedayOptions }
  | { command: 'completion'; shell: string; options: GlobalOptions; spec: CommandSpec[] }
  | { command: 'ids'; options: GlobalOptions }
  | { command: 'mcp'; options: GlobalOptions };

/** One command as the completion scripts see it, read from the commander definition below (one source). */
export interface CommandSpec {
  /** '' for the global options. */
  name: string;
  options: { flags: string[]; value: boolean; choices?: string[]; name: string }[];
  /** Positional arguments, by their names (runbook, timeline, what, shell, ...). */
  args: string[];
}

function describeCommands(program: Command): CommandSpec[] {
  const spec = (c: Command, name: string): CommandSpec => ({
    name,
    options: c.options.map((o) => ({
      flags: [o.long, o.short].filter((f): f is string => !!f),
      value: o.required || o.optional,
      ...(o.argChoices ? { choices: [...o.argChoices] } : {}),
      name: o.attributeName(),
    })),
    args: c.registeredArguments.map((a) => a.name()),
  });
  return [spec(program, ''), ...program.commands.filter((c) => !c.name().startsWith('_')).map((c) => spec(c, c.name()))];
}

// Repeatable options start with no default, so help does not print "(default: [])".
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of 1 or more');
  return n;
}
function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number of 0 or more');
  return n;
}
function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above 0');
  return n;
}
function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of 0 or more');
  return n;
}

/** Help examples, written as `runbook …` and shown as the command was invoked (see selfName). */
let self = 'runbook';
function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l.replace(/^runbook /, `${self} `).replace(/<\(runbook /, `<(${self} `)}`).join('\n')}\n`;
}

/**
 * A usage error from commander as one line, like every other error a user can cause:
 * `runbook: unknown option '--sevrity' (did you mean --severity?); run with --help for usage`.
 * Commander writes the error on one line and its suggestion in parentheses on the next.
 */
export function usageLine(message: string): string {
  const [first = '', ...rest] = message.trim().split('\n');
  const hints = rest.map((l) => l.trim().replace(/^\((.*)\)$/, '$1')).filter((l) => l !== '');
  const said = first.replace(/^error: /, '').replace(/\.$/, '');
  const hint = hints.map((h) => h.charAt(0).toLowerCase() + h.slice(1)).join('; ');
  return `runbook: ${said}${hint ? ` (${hint})` : ''}; run with --help for usage\n`;
}

/** Parse argv (without node and script) into a Route. Throws UserError on bad usage; returns null after --help/--version. */
export function route(argv: string[], io: Pick<Io, 'stdout' | 'stderr'>, selfName = 'runbook'): Route | null {
  let result: Route | null = null;
  self = selfName;
  const program = new Command(selfName);
  const globals = (): GlobalOptions => ({ dirs: (program.opts().dir as string[] | undefined) ?? [] });

  program
    // An on/off flag's `(default: false)` on every line of --help says nothing: only real defaults are shown.
    // (Subcommands made with .command() inherit this.)
    .configureHelp({
      optionDescription(this: Help, option: Option): string {
        return option.defaultValue === false && !option.required && !option.optional ? option.description : Help.prototype.optionDescription.call(this, option);
      },
    })
    .description('Incident-response runbooks from Markdown: find them, run them step by step, keep a timeline.')
    .version(VERSION, '-V, --version', 'print the version')
    .option('--dir <dir>', 'a folder of runbooks (repeatable; replaces RUNBOOK_PATH and ./runbooks; the bundled library is searched last)', collect)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(usageLine(s)),
    })
    .addHelpText(
      'after',
      examples('runbook list --tag linux', 'runbook run getting-started', 'runbook --dir ./ops/runbooks lint'),
    );

  program
    .command('list')
    .description('list runbooks, with filters')
    .option('--tag <tag>', 'only runbooks with this tag (repeatable: all must match)', collect)
    .option('--service <service>', 'only runbooks for this service')
    .option('--severity <severity>', 'only runbooks of this severity')
    .option('--search <text>', 'only runbooks whose id, title or description contains the text')
    .option('--json', 'print a JSON array', false)
    .addHelpText('after', examples('runbook list', 'runbook list --tag linux --severity sev2', 'runbook list --json | jq -r ".[].id"'))
    .action((o) => {
      result = { command: 'list', options: { ...globals(), tag: o.tag ?? [], service: o.service, severity: o.severity, search: o.search, json: o.json } };
    });

  program
    .command('show')
    .description('show a runbook: steps, prose, checks and commands')
    .argument('<runbook>', 'runbook id or path to a .md file')
    .option('--json', 'print the parsed runbook as JSON', false)
    .addHelpText('after', examples('runbook show disk-full', 'runbook show ./runbooks/disk-full.md --json'))
    .action((runbook: string, o) => {
      result = { command: 'show', runbook, options: { ...globals(), json: o.json } };
    });

  program
    .command('lint')
    .description('check runbooks for errors and stale reviews (exit 1 on errors)')
    .argument('[path...]', 'files or folders (default: every runbook found)')
    .option('--json', 'print problems as JSON', false)
    .option('--max-age <days>', 'warn when last_reviewed is older than this', nonNegativeInt, 180)
    .addHelpText('after', examples('runbook lint', 'runbook lint runbooks/ --max-age 90', 'runbook lint --json'))
    .action((paths: string[], o) => {
      result = { command: 'lint', paths, options: { ...globals(), json: o.json, maxAge: o.maxAge } };
    });

  program
    .command('new')
    .description('write a new runbook from a template (never overwrites)')
    .argument('<id>', 'runbook id, also the file name')
    .option('--title <text>', 'the runbook title')
    .addHelpText('after', examples('runbook new redis-down --title "Redis is down"'))
    .action((id: string, o) => {
      result = { command: 'new', id, options: { ...globals(), title: o.title } };
    });

  program
    .command('run')
    .description('walk through a runbook step by step, recording a timeline')
    .argument('[runbook]', 'runbook id or path to a .md file (left out with --resume)')
    .option('--var <NAME=VALUE>', 'set a variable (repeatable)', collect)
    .option('--free-text <NAME>', 'let a variable hold characters outside the safe set (repeatable)', collect)
    .option('--timeline <file>', 'write the timeline here (default: $RUNBOOK_TIMELINE_DIR or ./incidents/)')
    .option('--dry-run', 'show every command with its values, run nothing', false)
    .option('--yes', 'run every non-dangerous command without asking; stop at the first failure', false)
    .option('--allow-dangerous', 'with --yes, also run dangerous commands', false)
    .option('--from-step <n>', 'start at step N', positiveInt)
    .option('--resume <timeline>', 'continue an interrupted or aborted run in that timeline')
    .option('--sign <key>', 'sign the seal at the run\'s end with this SSH key (default: $RUNBOOK_SIGNING_KEY, else ~/.ssh/id_ed25519)')
    .option('--no-session', 'start every command from a clean state (no exports, unset or cd carried over)')
    .option('--on <hosts>', 'run on=targets blocks on these hosts over ssh: web1,user@db1:2222 or an inventory group (repeatable)', collect)
    .option('--inventory <file>', 'an Ansible-style inventory (INI or YAML) that --on names resolve in')
    .option('--ssh-config <file>', 'the ssh_config to use (ssh -F; default: $RUNBOOK_SSH_CONFIG, else ssh\'s own)')
    .option('--parallel <n>', 'hosts a command runs on at once (default 10)', positiveInt)
    .addHelpText(
      'after',
      examples(
        'runbook run disk-full',
        'runbook run k8s-crashloop --var NAMESPACE=shop --var POD=api-7d9f',
        'runbook run getting-started --dry-run',
        'runbook run system-snapshot --yes',
        'runbook run --resume incidents/20261128-030000-disk-full.jsonl',
      ),
    )
    .action((runbook: string | undefined, o, cmd: Command) => {
      if (runbook === undefined && o.resume === undefined) cmd.error("error: missing required argument 'runbook'", { exitCode: ExitCode.usage, code: 'commander.missingArgument' });
      result = {
        command: 'run',
        ...(runbook !== undefined ? { runbook } : {}),
        options: {
          ...globals(),
          vars: o.var ?? [],
          freeText: o.freeText ?? [],
          timeline: o.timeline,
          dryRun: o.dryRun,
          yes: o.yes,
          allowDangerous: o.allowDangerous,
          fromStep: o.fromStep,
          resume: o.resume,
          ...(o.sign !== undefined ? { sign: o.sign } : {}),
          session: o.session !== false,
          ...(o.on ? { on: o.on } : {}),
          ...(o.inventory !== undefined ? { inventory: o.inventory } : {}),
          ...(o.sshConfig !== undefined ? { sshConfig: o.sshConfig } : {}),
          ...(o.parallel !== undefined ? { parallel: o.parallel } : {}),
        },
      };
    });

  program
    .command('note')
    .description('add a note to a timeline (default: the newest unfinished run)')
    .argument('<text...>', 'the note')
    .option('--timeline <file>', 'the timeline to append to')
    .addHelpText('after', examples('runbook note "rolled back deploy 4812"', 'runbook note --timeline incidents/x.jsonl paged DBA'))
    .action((text: string[], o) => {
      result = { command: 'note', text: text.join(' '), options: { timeline: o.timeline } };
    });

  program
    .command('mark')
    .description('mark when users were first affected (impact), or when the incident was detected, mitigated or resolved')
    .argument('<what>', 'impact, detected, mitigated or resolved')
    .argument('[text...]', 'what happened')
    .option('--timeline <file>', 'the timeline to append to')
    .option('--at <time>', 'when it happened: 2026-11-28T03:04Z, 03:04 (today, local time) or 15m ago (default: now)')
    .option('--force', 'record a milestone even when it is out of order (resolved before detected, …)', false)
    .addHelpText('after', examples('runbook mark detected "alert DiskFull fired"', 'runbook mark impact --at "25m ago" "checkout errors began"', 'runbook mark mitigated'))
    .action((what: string, text: string[], o) => {
      result = { command: 'mark', what, text: text.join(' '), options: { timeline: o.timeline, at: o.at, force: o.force } };
    });

  program
    .command('incidents')
    .description('list recorded live runs in $RUNBOOK_TIMELINE_DIR (default ./incidents), newest first, with their status')
    .option('--all', 'also list dry runs and the drills in drills/ beside that folder', false)
    .option('--json', 'print a JSON array', false)
    .addHelpText('after', examples('runbook incidents', 'runbook incidents --all', 'runbook incidents --json'))
    .action((o) => {
      result = { command: 'incidents', options: { json: o.json, all: o.all } };
    });

  program
    .command('replay')
    .description('play a recorded incident back')
    .argument('[timeline]', 'a timeline file (with --follow: default, the live run on this host)')
    .option('--speed <x>', 'play faster (2) or slower (0.5)', positiveNumber, 1)
    .option('--max-idle <seconds>', 'shorten idle gaps to at most this', nonNegativeNumber, 2)
    .option('--instant', 'print everything at once', false)
    .option('--follow', 'keep printing new events until the run finishes', false)
    .option('--json', 'print events as JSON Lines', false)
    .addHelpText('after', examples('runbook replay incidents/20261128-030000-disk-full.jsonl --speed 4', 'runbook replay incidents/x.jsonl --follow'))
    .action((timeline: string | undefined, o, cmd: Command) => {
      if (timeline === undefined && !o.follow) cmd.error("error: missing required argument 'timeline'", { exitCode: ExitCode.usage, code: 'commander.missingArgument' });
      result = {
        command: 'replay',
        ...(timeline !== undefined ? { timeline } : {}),
        options: { speed: o.speed, maxIdle: o.maxIdle, instant: o.instant, follow: o.follow, json: o.json },
      };
    });

  program
    .command('status')
    .description('what is going on now: every live run on this host, its operator, step, running command, notes and marks')
    .option('--timeline <file>', 'show this timeline instead of the live runs')
    .option('--json', 'print a JSON array', false)
    .option('--watch', 'redraw every second until Ctrl-C', false)
    .addHelpText('after', examples('runbook status', 'runbook status --watch', 'runbook status --json | jq ".[].operator"'))
    .action((o) => {
      result = { command: 'status', options: { timeline: o.timeline, json: o.json, watch: o.watch } };
    });

  program
    .command('handover')
    .description('record who holds the run from now on (default: the live run on this host)')
    .argument('[text...]', 'what the new holder should know')
    .requiredOption('--to <name>', 'who takes the run over')
    .option('--timeline <file>', 'the timeline to append to')
    .addHelpText('after', examples('runbook handover --to bob "step 3 next; DB failover is done"'))
    .action((text: string[], o) => {
      result = { command: 'handover', text: text.join(' '), options: { timeline: o.timeline, to: o.to } };
    });

  program
    .command('export')
    .description('turn a timeline into a postmortem draft, an asciinema recording, a JSON summary or an HTML report')
    .argument('<timeline>', 'a timeline file')
    .addOption(new Option('--format <format>', 'output format (default: from the -o file name, else markdown)').choices(EXPORT_FORMATS))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .addHelpText(
      'after',
      examples('runbook export incidents/x.jsonl > postmortem.md', 'runbook export incidents/x.jsonl -o report.html', 'runbook export incidents/x.jsonl --format cast -o incident.cast'),
    )
    .action((timeline: string, o) => {
      // `-o -` is standard output, as for most tools.
      const output = o.output === '-' ? undefined : (o.output as string | undefined);
      result = { command: 'export', timeline, options: { format: exportFormat(o.format, output), output } };
    });

  program
    .command('drill')
    .description('rehearse a past incident: the same prompts, the recorded output, nothing executed')
    .argument('<timeline>', 'a timeline file of a past incident')
    .option('--yes', 'walk every step without prompts', false)
    .addHelpText('after', examples('runbook drill incidents/20261128-030000-disk-full.jsonl'))
    .action((timeline: string, o) => {
      result = { command: 'drill', timeline, options: { yes: o.yes } };
    });

  program
    .command('verify')
    .description('check that a timeline is the one written during the incident: seq, hash chain, seal and its signature (exit 1 if not)')
    .argument('<timeline>', 'a timeline file')
    .option('--allowed-signers <file>', 'an OpenSSH allowed_signers file: the seal must be signed by a key it lists')
    .option('--json', 'print the result as JSON', false)
    .addHelpText('after', examples('runbook verify incidents/x.jsonl', 'runbook verify incidents/x.jsonl --allowed-signers ~/.ssh/allowed_signers'))
    .action((timeline: string, o) => {
      result = { command: 'verify', timeline, options: { json: o.json, ...(o.allowedSigners !== undefined ? { allowedSigners: o.allowedSigners } : {}) } };
    });

  program
    .command('seal')
    .description('seal an interrupted run\'s timeline (a finished run is sealed already), signed with your SSH key when there is one')
    .argument('<timeline>', 'a timeline file')
    .option('--sign <key>', 'the SSH key to sign with (default: $RUNBOOK_SIGNING_KEY, else ~/.ssh/id_ed25519)')
    .addHelpText('after', examples('runbook seal incidents/x.jsonl', 'runbook seal incidents/x.jsonl --sign ~/.ssh/id_ed25519'))
    .action((timeline: string, o) => {
      result = { command: 'seal', timeline, options: o.sign !== undefined ? { sign: o.sign } : {} };
    });

  program
    .command('gameday')
    .description('rehearse an incident: inject a real fault, respond with the runbook, score it, always revert')
    .argument('[scenario]', 'scenario id or path to a .md file (left out with --list, --cleanup, --history)')
    .option('--list', 'list the scenarios found (bundled and in --dir folders)', false)
    .option('--json', 'with --list or --history, print JSON', false)
    .option('--cleanup', 'revert what a crashed game left (from the revert journal)', false)
    .option('--history', "previous games' scores (of one scenario when named)", false)
    .option('--yes', 'start without typing the scenario id', false)
    .option('--split', "print the responder's command for a second terminal instead of starting it here", false)
    .option('--auto-respond', "run the responder's runbook unattended (run --yes --allow-dangerous): for scripts and CI", false)
    .option('--poll <seconds>', 'seconds between checks of detect and mitigated', positiveNumber)
    .option('--duration <seconds>', "end (and revert) the game after this many seconds instead of the scenario's duration", positiveNumber)
    .option('--on <hosts>', 'the hosts of a target: hosts scenario, as for run: web1,user@db1:2222 or an inventory group (repeatable)', collect)
    .option('--inventory <file>', 'an Ansible-style inventory (INI or YAML) that --on names and the scenario\'s group resolve in')
    .option('--ssh-config <file>', 'the ssh_config to use (ssh -F; default: $RUNBOOK_SSH_CONFIG, else ssh\'s own)')
    .addHelpText('after', examples('runbook gameday --list', 'runbook gameday disk-fill', 'runbook gameday packet-loss --split', 'runbook gameday --history disk-fill', 'runbook gameday --cleanup'))
    .action((scenario: string | undefined, o, cmd: Command) => {
      if (scenario === undefined && !o.list && !o.cleanup && !o.history) cmd.error("error: missing required argument 'scenario'", { exitCode: ExitCode.usage, code: 'commander.missingArgument' });
      result = {
        command: 'gameday',
        ...(scenario !== undefined ? { scenario } : {}),
        options: { ...globals(), list: o.list, json: o.json, cleanup: o.cleanup, history: o.history, yes: o.yes, split: o.split, autoRespond: o.autoRespond, ...(o.poll !== undefined ? { poll: o.poll } : {}), ...(o.duration !== undefined ? { duration: o.duration } : {}), ...(o.on ? { on: o.on } : {}), ...(o.inventory !== undefined ? { inventory: o.inventory } : {}), ...(o.sshConfig !== undefined ? { sshConfig: o.sshConfig } : {}) },
      };
    });

  program
    .command('completion')
    .description('print a shell completion script')
    .argument('<shell>', 'bash or zsh')
    .addHelpText('after', examples('source <(runbook completion bash)', 'source <(runbook completion zsh)'))
    .action((shell: string) => {
      result = { command: 'completion', shell, options: globals(), spec: describeCommands(program) };
    });

  program
    .command('mcp')
    .description('serve runbooks and timelines to an AI assistant over the Model Context Protocol (stdio)')
    .addHelpText('after', examples('runbook mcp', 'runbook --dir ./ops/runbooks mcp'))
    .action(() => {
      result = { command: 'mcp', options: globals() };
    });

  program
    .command('_ids', { hidden: true })
    .description('print runbook ids, one per line (for completion scripts)')
    .action(() => {
      result = { command: 'ids', options: globals() };
    });

  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return null;
      // commander already printed its message to stderr.
      throw new UserError('', err.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
    }
    throw err;
  }
  if (result === null) {
    // No subcommand: show help, as a user typing `runbook` expects.
    program.outputHelp();
  }
  return result;
}
