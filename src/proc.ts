// What Linux's /proc says of a process, read as text: one rule for each of its formats, for the modules that
// read them (the timeline's lock and live registry, the search for a command the launcher did not name).
// io.ts reads its own descriptors' flags with the same rule, written there: imported, this module became a
// chunk of its own that `--version` loaded (test/unit/startup.test.ts counts them).

/**
 * The fields of /proc/<pid>/stat after the command name ("pid (comm) state ppid pgrp session …"). The name may
 * hold any byte, spaces and parentheses included, so the line is cut after its last ")": [0] is the state
 * (field 3 of the line), [3] the session (field 6), [19] the start time in clock ticks (field 22).
 */
export function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** A descriptor's open flags, from /proc/<pid>/fdinfo/<fd> ("pos: 0\nflags: 02100000\n…"); undefined without them. */
export function fdinfoFlags(fdinfo: string): number | undefined {
  const m = /^flags:\s*([0-7]+)$/m.exec(fdinfo);
  return m ? parseInt(m[1] as string, 8) : undefined;
}
