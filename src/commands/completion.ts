// `runbook completion bash|zsh`: completes command names, options and runbook ids (through the hidden `_ids`).
import type { GlobalOptions } from '../cli.js';
import type { Io } from '../io.js';
import { UserError } from '../errors.js';
import { loadLibrary, searchPath } from '../runbook/load.js';

const COMMANDS = ['list', 'show', 'lint', 'new', 'run', 'note', 'mark', 'incidents', 'replay', 'export', 'drill', 'completion'];

const BASH = `# runbook completion for bash: source <(runbook completion bash)
_runbook() {
  local cur prev cmd i dirs=()
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # The command is the first word that is not a global option (--dir DIR may come first).
  cmd=""
  for (( i=1; i < COMP_CWORD; i++ )); do
    case "\${COMP_WORDS[i]}" in
      --dir) dirs+=(--dir "\${COMP_WORDS[i+1]}"); i=$((i+1)) ;;
      -*) ;;
      *) [ -z "$cmd" ] && cmd="\${COMP_WORDS[i]}" ;;
    esac
  done
  if [ -z "$cmd" ] && [ "$prev" != "--dir" ]; then
    COMPREPLY=( $(compgen -W "${COMMANDS.join(' ')} --dir --help --version" -- "$cur") )
    return
  fi
  case "$prev" in
    --dir|--timeline|--resume|-o|--output) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
    --format) COMPREPLY=( $(compgen -W "markdown cast json" -- "$cur") ); return ;;
  esac
  case "$cmd" in
    show|run) COMPREPLY=( $(compgen -W "$(runbook "\${dirs[@]}" _ids 2>/dev/null)" -- "$cur") $(compgen -f -X '!*.md' -- "$cur") ) ;;
    mark) COMPREPLY=( $(compgen -W "detected mitigated resolved" -- "$cur") ) ;;
    completion) COMPREPLY=( $(compgen -W "bash zsh" -- "$cur") ) ;;
    replay|export|drill|lint) COMPREPLY=( $(compgen -f -- "$cur") ) ;;
  esac
}
complete -o default -F _runbook runbook
`;

const ZSH = `#compdef runbook
# runbook completion for zsh: runbook completion zsh > "\${fpath[1]}/_runbook"
_runbook() {
  local -a commands
  commands=(${COMMANDS.map((c) => `'${c}'`).join(' ')})
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "\${words[2]}" in
    show|run) compadd -- \${(f)"$(runbook _ids 2>/dev/null)"}; _files -g '*.md' ;;
    mark) compadd detected mitigated resolved ;;
    completion) compadd bash zsh ;;
    export) compadd -- --format markdown cast json; _files ;;
    *) _files ;;
  esac
}
compdef _runbook runbook 2>/dev/null || _runbook "$@"
`;

export async function completion(shell: string, _o: GlobalOptions, io: Io): Promise<number> {
  if (shell === 'bash') io.stdout.write(BASH);
  else if (shell === 'zsh') io.stdout.write(ZSH);
  else throw new UserError(`completion for "${shell}" is not available (bash or zsh)`);
  return 0;
}

/** Hidden `runbook _ids`: one runbook id per line, for the completion scripts. */
export async function ids(o: GlobalOptions, io: Io): Promise<number> {
  const lib = await loadLibrary(searchPath(o.dirs, io.env, io.cwd).library);
  io.stdout.write(lib.runbooks.map((r) => `${lib.names.get(r.runbook.path) ?? r.runbook.id}\n`).join(''));
  return 0;
}
