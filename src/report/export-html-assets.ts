// asciinema-player's JS and CSS, inlined into every HTML report. The bundle (scripts/build.mjs) defines
// them as strings read from node_modules at build time, so dist/ and the single executable carry them and
// nothing is read at run time; running from src/ (tests) reads the installed package.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

declare const __RUNBOOK_PLAYER_JS__: string | undefined;
declare const __RUNBOOK_PLAYER_CSS__: string | undefined;

/** The files scripts/build.mjs inlines (one list for both). */
export const PLAYER_FILES = {
  js: 'asciinema-player/dist/bundle/asciinema-player.min.js',
  css: 'asciinema-player/dist/bundle/asciinema-player.css',
} as const;

export interface PlayerAssets {
  js: string;
  css: string;
}

let cached: PlayerAssets | undefined;

export function playerAssets(): PlayerAssets {
  if (cached) return cached;
  if (typeof __RUNBOOK_PLAYER_JS__ === 'string' && typeof __RUNBOOK_PLAYER_CSS__ === 'string') {
    cached = { js: __RUNBOOK_PLAYER_JS__, css: __RUNBOOK_PLAYER_CSS__ };
  } else {
    const require = createRequire(import.meta.url);
    const read = (f: string): string => readFileSync(require.resolve(f), 'utf8');
    cached = { js: read(PLAYER_FILES.js), css: read(PLAYER_FILES.css) };
  }
  return cached;
}
