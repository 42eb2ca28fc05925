// A command's output on several hosts: each line prefixed with its host (aligned, one colour per host), then
// a summary that groups hosts whose output was identical (like ClusterShell's clubak) and each host's exit.
// One host: output passes through as for a local command (the command box names the host).
import { StringDecoder } from 'node:string_decoder';
import type { HostOutcome, HostView } from '../runner/run-config.js';
import { hostFailed } from '../runner/fleet-run.js';
import { endingWords } from '../timeline/ending.js';
import { neutralize } from './neutralize.js';
import type { Style } from './style.js';

/** A distinct colour per host, by position (never red: red means failure). */
export function hostPainter(style: Style, hosts: string[]): (host: string) => string {
  const palette = [style.cyan, style.magenta, style.yellow, style.green, (s: string) => style.bold(style.cyan(s)), (s: string) => style.bold(style.magenta(s)), (s: string) => style.bold(style.yellow(s)), (s: string) => style.bold(style.green(s))];
  const width = Math.max(0, ...hosts.map((h) => neutralize(h).length));
  const index = new Map(hosts.map((h, i) => [h, i]));
  return (host) => (palette[(index.get(host) ?? 0) % palette.length] as (s: string) => string)(neutralize(host).padEnd(width));
}

/** The clubak-style block: identical outputs once, under the hosts that printed them; then the exit codes. */
export function renderHostSummary(results: HostOutcome[], style: Style): string {
  const groups = new Map<string, string[]>();
  for (const r of results) groups.set(r.output, [...(groups.get(r.output) ?? []), r.host]);
  const out: string[] = [];
  for (const [output, hosts] of groups) {
    const head = `${neutralize(hosts.join(','))} (${hosts.length} host${hosts.length === 1 ? '' : 's'})`;
    out.push(style.dim('─'.repeat(Math.min(60, Math.max(15, head.length)))), style.bold(head), style.dim('─'.repeat(Math.min(60, Math.max(15, head.length)))));
    const text = neutralize(output.replace(/\r?\n$/, '').replace(/\r\n/g, '\n'), { multiline: true });
    out.push(text === '' ? style.dim('(no output)') : text);
  }
  const exits = results.map((r) => {
    const how = endingWords(r.result);
    const paint = hostFailed(r.result) ? style.red : style.green;
    const extra = r.result.hostError !== undefined ? style.dim(` (${neutralize(r.result.hostError)})`) : '';
    return `  ${neutralize(r.host)} ${paint(how)}${extra}`;
  });
  const failed = results.filter((r) => hostFailed(r.result)).length;
  out.push(failed === 0 ? style.green(`exit codes: all ${results.length} hosts exit 0`) : style.red(`exit codes: ${failed} of ${results.length} hosts failed`), ...exits);
  return `${out.join('\n')}\n`;
}

export function createHostView(out: NodeJS.WritableStream, live: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }, style: Style): HostView {
  let single = true;
  let paint: (host: string) => string = (h) => h;
  const partial = new Map<string, { decoder: StringDecoder; rest: string }>();
  const line = (host: string, stream: 'stdout' | 'stderr', text: string): void => {
    const mark = stream === 'stderr' ? style.red('!') : style.dim('|');
    // ssh ends its own messages with \r\n.
    out.write(`${paint(host)} ${mark} ${neutralize(text.replace(/\r$/, ''))}\n`);
  };
  return {
    start(_id, hosts) {
      single = hosts.length === 1;
      paint = hostPainter(style, hosts);
      partial.clear();
    },
    output(host, stream, chunk) {
      if (single) {
        live[stream].write(chunk);
        return;
      }
      const key = `${host}\0${stream}`;
      const p = partial.get(key) ?? { decoder: new StringDecoder('utf8'), rest: '' };
      partial.set(key, p);
      const lines = (p.rest + p.decoder.write(chunk)).split('\n');
      p.rest = lines.pop() ?? '';
      for (const l of lines) line(host, stream, l);
    },
    finish(_id, results) {
      if (single) return;
      for (const [key, p] of partial) {
        const rest = p.rest + p.decoder.end();
        const [host = '', stream] = key.split('\0');
        if (rest !== '') line(host, stream === 'stderr' ? 'stderr' : 'stdout', rest);
      }
      partial.clear();
      out.write(renderHostSummary(results, style));
    },
  };
}
