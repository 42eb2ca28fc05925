// The only importer of chalk: a palette that is plain text when colour is off. chalk is loaded only when
// colour is on, so piped output (scripts, --json, CI) never pays for it at start-up.
import type { ChalkInstance } from 'chalk';
import stripEscapes from 'strip-ansi';

export interface Style {
  color: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  magenta(s: string): string;
  /** Dangerous things: bold red. */
  danger(s: string): string;
}

const same = (s: string): string => s;

/** Plain text: every function returns its input. */
export const plainStyle: Style = { color: false, bold: same, dim: same, red: same, green: same, yellow: same, cyan: same, magenta: same, danger: same };

function chalkStyle(c: ChalkInstance): Style {
  return {
    color: true,
    bold: (s) => c.bold(s),
    dim: (s) => c.dim(s),
    red: (s) => c.red(s),
    green: (s) => c.green(s),
    yellow: (s) => c.yellow(s),
    cyan: (s) => c.cyan(s),
    magenta: (s) => c.magenta(s),
    danger: (s) => c.bold.red(s),
  };
}

/** The palette for a stream: chalk (basic 16 colours) when `color`, else plain text. */
export async function loadStyle(color: boolean): Promise<Style> {
  if (!color) return plainStyle;
  const { Chalk } = await import('chalk');
  return chalkStyle(new Chalk({ level: 1 }));
}

/**
 * Remove ANSI escape sequences: the one definition, which string-width uses to measure (Node's
 * stripVTControlCharacters differs from it on sequences other than colours: ESC 7, for one).
 */
export function stripAnsi(s: string): string {
  return stripEscapes(s);
}
