// `runbook completion bash|zsh`: completes commands, each command's flags, runbook ids (through the hidden `_ids`)
// and timeline files, all generated from the commander definition in cli.ts.
import type { CommandSpec, GlobalOptions } from '../cli.js';
import { MARK_WHATS } from '../timeline/events.js';
import type { Io } from '../io.js';
import { UserError } from '../errors.js';
import { commandLineName, searchPath } from '../runbook/load.js';
import { loadListing } from '../runbook/listing.js';

/** What a value (of an option or a positional argument) is completed with, by its name in the commander definition. */
function valueKind(name: string, choices?: string[]): string {
  if (choices) return `COMPREPLY=( $(compgen -W "${choices.join(' ')}" -- "$cur") )`;
  switch (name) {
    case 'timeline':
    case 'resume':
      return '_runbook_timelines';
    case 'runbook':
      return 'COMPREPLY=( $(compgen -W "$(runbook "${dirs[@]}" _ids 2>/dev/null)" -- "$cur") $(compgen -o plusdirs -f -X \'!*.md\' -- "$cur") )';
    case 'dir':
      return 'COMPREPLY=( $(compgen -d -- "$cur") )';
    case 'output':
    case 'path':
      return 'COMPREPLY=( $(compgen -f -- "$cur") )';
    case 'what':
      return `COMPREPLY=( $(compgen -W "${MARK_WHATS.join(' ')}" -- "$cur") )`;
    case 'shell':
      return 'COMPREPLY=( $(compgen -W "bash zsh" -- "$cur") )';
    default:
      return 'COMPREPLY=()'; // a value nobody can guess (a note, a variable, a number)
  }
}

/** The bash completion script, generated from the commands' definitions in cli.ts. */
export function bashScript(spec: CommandSpec[]): string {
  const globals = spec.find((c) => c.name === '') as CommandSpec;
  const commands = spec.filter((c) => c.name !== '');
  const flags = (c: CommandSpec): string => [...c.options.flatMap((o) => o.flags), '--help'].join(' ');
  const valued = (c: CommandSpec): string => c.options.filter((o) => o.value).flatMap((o) => o.flags).join('|');
  const optionValues = commands
    .flatMap((c) => c.options.filter((o) => o.value).map((o) => `    ${c.name}:${o.flags.join(`|${c.name}:`)}) ${valueKind(o.name, o.choices)}; return ;;`))
    .join('\n');
  const positional = commands
    .map((c) => {
      const arms = c.args.map((a, i) => `${i === c.args.length - 1 ? '*' : i}) ${valueKind(a)} ;;`).join(' ');
      return `    ${c.name}) case "$n" in ${arms || '*) ;;'} esac ;;`;
    })
    .join('\n');
  return `# runbook completion for bash: source <(runbook completion bash)
# Generated from the command definitions: every command, its flags, runbook ids and timeline files.
_runbook_timelines() { COMPREPLY=( $(compgen -o plusdirs -f -X '!*.jsonl' -- "$cur") ); }
_runbook() {
  local cur prev cmd i n w dirs=()
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # The command is the first word that is not a global option (--dir DIR may come first); n counts the
  # positional arguments after it, skipping options and their values.
  cmd=""; n=0
  for (( i=1; i < COMP_CWORD; i++ )); do
    w="\${COMP_WORDS[i]}"
    case "$w" in
      --dir) dirs+=(--dir "\${COMP_WORDS[i+1]}"); i=$((i+1)); continue ;;
    esac
    if [ -z "$cmd" ]; then
      case "$w" in -*) ;; *) cmd="$w" ;; esac
      continue
    fi
    case "$cmd:$w" in
${commands.filter((c) => valued(c)).map((c) => `      ${c.name}:${valued(c).split('|').join(`|${c.name}:`)}) i=$((i+1)) ;;`).join('\n')}
      *:-*) ;;
      *) n=$((n+1)) ;;
    esac
  done
  if [ "$prev" = "--dir" ]; then COMPREPLY=( $(compgen -d -- "$cur") ); return; fi
  if [ -z "$cmd" ]; then
    COMPREPLY=( $(compgen -W "${commands.map((c) => c.name).join(' ')} ${flags(globals)}" -- "$cur") )
    return
  fi
  case "$cmd:$prev" in
${optionValues}
  esac
  case "$cur" in
    -*)
      case "$cmd" in
${commands.map((c) => `        ${c.name}) COMPREPLY=( $(compgen -W "${flags(c)}" -- "$cur") ) ;;`).join('\n')}
      esac
      return ;;
  esac
  case "$cmd" in
${positional}
  esac
}
complete -o filenames -F _runbook runbook
`;
}

/** zsh runs the same generated function through its bash completion layer. */
export function zshScript(spec: CommandSpec[]): string {
  return `#compdef runbook
# runbook completion for zsh: source <(runbook completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashScript(spec).replace(/^# runbook completion for bash.*\n/, '')}`;
}

export async function completion(shell: string, o: GlobalOptions & { spec?: CommandSpec[] }, io: Io): Promise<number> {
  const spec = o.spec ?? [];
  if (shell === 'bash') io.stdout.write(bashScript(spec));
  else if (shell === 'zsh') io.stdout.write(zshScript(spec));
  else throw new UserError(`completion for "${shell}" is not available (bash or zsh)`);
  return 0;
}

/** Hidden `runbook _ids`: one runbook id per line, for the completion scripts (read as `list` reads, cache included: a Tab must be quick). */
export async function ids(o: GlobalOptions, io: Io): Promise<number> {
  const lib = await loadListing(searchPath(o.dirs, io.env, io.cwd).library, io.env);
  io.stdout.write(lib.runbooks.map((r) => `${commandLineName(lib, r.runbook)}\n`).join(''));
  return 0;
}
