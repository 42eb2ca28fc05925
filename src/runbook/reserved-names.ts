// Names a runbook may not declare or have us set: they change how a shell, the dynamic linker or an
// interpreter behaves, so a runbook that set them would choose what runs (BASH_ENV is read by every `bash -c`).
// Only the operator's own environment may set them; docs/runbook-format.md lists them.

const EXACT = new Set([
  'BASH_ENV', 'ENV', 'PATH', 'IFS', 'PS1', 'PS2', 'PS4', 'PROMPT_COMMAND', 'SHELLOPTS', 'BASHOPTS', 'GLOBIGNORE', 'HOME', 'SHELL',
  'CDPATH', 'FPATH', 'BASH_XTRACEFD', 'EXECIGNORE', 'TMOUT', 'ZDOTDIR',
  'NODE_OPTIONS', 'NODE_PATH', 'PYTHONPATH', 'PYTHONSTARTUP', 'PYTHONHOME', 'PYTHONINSPECT', 'PERL5LIB', 'PERLLIB', 'PERL5OPT',
  'RUBYLIB', 'RUBYOPT', 'GEM_PATH', 'GEM_HOME', 'CLASSPATH', 'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'LUA_PATH', 'LUA_CPATH',
  'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_EXEC_PATH', 'PAGER', 'EDITOR', 'VISUAL', 'GCONV_PATH', 'MALLOC_CHECK_',
]);
const PREFIXES = ['LD_', 'DYLD_', 'RUNBOOK_', 'BASH_FUNC_'];

/** Whether `name` is reserved (case-sensitive: shells and loaders read these exact names). */
export function isReservedName(name: string): boolean {
  return EXACT.has(name) || PREFIXES.some((p) => name.startsWith(p));
}

export const RESERVED_SUMMARY = 'BASH_ENV, ENV, PATH, LD_*, DYLD_*, IFS, PS4, PROMPT_COMMAND, SHELLOPTS, BASHOPTS, GLOBIGNORE, HOME, SHELL, NODE_OPTIONS, PYTHONPATH and other interpreter paths, RUNBOOK_*';
