// Whether a Markdown file is a game-day scenario rather than a runbook: `kind: scenario` in its YAML
// front-matter. A line scan, no YAML parse: the runbook library asks this of every file it loads.

export function looksLikeScenario(source: string): boolean {
  const m = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(source);
  return m !== null && /^kind[ \t]*:[ \t]*["']?scenario["']?[ \t]*(?:#.*)?$/m.test(m[1] as string);
}
