// V8's flags, changed at run time here and nowhere else. The young generation, for a process that keeps nearly
// all it allocates (`list` over thousands of runbooks).
//
// V8 starts new objects in a young generation of two 1 MB halves and doubles them, up to 8 MB each, while most
// objects survive its collections. `list` keeps every entry it reads until it prints them all, so growing
// only copies the same live objects into pages the process has never touched, and a page touched for the
// first time is a page fault: ~11 µs each on the reference machine (a virtual machine), where the cached
// `list --json` over 5,000 runbooks took ~12,900 of them, ~4,000 for the young generation's growth alone.
//
// Each collection of that small young generation is short (an uncached list over 5,000 runbooks makes ~360 of
// them, ~5% of each 1 MB surviving), and V8 hands each to helper threads as well as the main one: on a 2-core
// machine, starting and joining those helpers cost more than they did. So the collections run on the main
// thread alone (`--no-parallel-scavenge`): the uncached list's GC pauses went from ~231 to ~199 ms.

import { setFlagsFromString } from 'node:v8';

/**
 * Keep the young generation at its starting size for the rest of the process, through V8's
 * `semi_space_growth_factor` (read at each growth, so a change at run time holds), and collect it on the main
 * thread only (`parallel_scavenge`, read at each collection); false when this V8 is not one it was measured
 * on. A V8 flag changed at run time also changes the key of Node's code cache for its own modules: a built-in
 * module loaded after this is compiled from source, so it is called once the command has loaded what it needs.
 * Import this module when it is needed: it loads node:v8 (under 1 ms once the standard streams are open).
 */
export function keepYoungGenerationSmall(v8Version = process.versions.v8): boolean {
  // Measured on Node 20's V8 (11.3). A V8 that no longer has the flag prints "unrecognized flag" on stderr,
  // so another V8 is left as it is.
  if (!v8Version.startsWith('11.')) return false;
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--no-parallel-scavenge');
  changed = true;
  return true;
}

let changed = false;

/**
 * `f` run under V8's own growth factor (2 in V8 11), for compiling from a code cache: V8 refuses a cache made under
 * other flags (it compares a hash of them), and the build makes dist/parse.cjs's under V8's defaults, so `list`
 * would compile the parser afresh. The collector's threads (`parallel_scavenge`) are not part of that hash.
 */
export function withV8Defaults<T>(f: () => T): T {
  if (!changed) return f();
  setFlagsFromString('--semi-space-growth-factor=2');
  try {
    return f();
  } finally {
    setFlagsFromString('--semi-space-growth-factor=1');
  }
}
