// The local dump is bash's `export -p`: every form bash prints is read back byte for byte, what a child
// would not see (arrays, names exported but never set) is left out, and anything else makes the dump unreadable.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { defaultShell } from '../../../src/adapters/shell.js';
import { parseExportP } from '../../../src/runner/session-export-p.js';
import { parseDump, wrapScript } from '../../../src/runner/session-state.js';

const parsed = (text: string | Buffer): Record<string, string> | undefined => {
  const m = parseExportP(Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1'));
  return m && Object.fromEntries([...m].map(([k, v]) => [k, v.toString('latin1')]));
};

describe('export -p, as bash prints it', () => {
  it('reads double quotes (old bash: raw newlines and bytes), ANSI-C quotes and the POSIX-mode form', () => {
    expect(parsed('declare -x A="x\\"y\\\\z\\$\\`"\ndeclare -x B="line1\nline2\xff"\nexport C="posix"\ndeclare -rx D=""\n')).toEqual({ A: 'x"y\\z$`', B: 'line1\nline2\xff', C: 'posix', D: '' });
    expect(parsed("declare -x E=$'a\\nb\\t\\377\\001\\'q\\' \\\\ \\x41\\u00e9\\E\\cA'\n")).toEqual({ E: `a\nb\t\xff\x01'q' \\ A${Buffer.from('é').toString('latin1')}\x1b\x01` });
  });

  it('leaves out arrays, namerefs and names exported but never set', () => {
    expect(parsed('declare -ax ARR=([0]="a)" [1]=$\'b\\n\')\ndeclare -Ax M=(["k )"]="v" )\ndeclare -x UNSET\ndeclare -nx REF="A"\ndeclare -x KEEP="1"\n')).toEqual({ KEEP: '1' });
  });

  it.each(['declare -x', 'declare -x A="open', 'declare -x A=bare\n', 'something else\n', "declare -x A=$'\\q'\n"])('%j is unreadable', (text) => {
    expect(parsed(text)).toBeUndefined();
  });

  it('a real bash, also in POSIX mode and with an exported array, reports exactly what it exported', () => {
    const v = "it's \"q\" $(x) `y` \\ =\n\t\u00e9";
    const script = `export V=$(printf '%s' "$RAW"); export ODD=$'\\xff\\xfe\\xc3\\xa9'; declare -ax ARR=(1 2); set -o posix`;
    // In a UTF-8 locale bash prints valid characters raw and invalid bytes as octal escapes.
    const r = spawnSync(defaultShell(), ['-c', wrapScript(script, { dumpFd: 3 })], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', RAW: v, LC_ALL: 'C.UTF-8' }, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const dump = (r.output as unknown as Buffer[])[3] as Buffer;
    const state = parseDump(dump);
    expect(state?.env.get('V')?.toString('utf8')).toBe(v);
    expect(state?.env.get('ODD')).toEqual(Buffer.from([0xff, 0xfe, 0xc3, 0xa9]));
    expect(state?.env.has('ARR')).toBe(false);
  });
});
