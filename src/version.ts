import { readFileSync } from 'node:fs';

// Set by the bundler (scripts/build.mjs); unbundled (tests on src/) it is read from package.json.
declare const __RUNBOOK_VERSION__: string | undefined;

/** The package version. */
export const VERSION: string =
  typeof __RUNBOOK_VERSION__ === 'string'
    ? __RUNBOOK_VERSION__
    : (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
