// Plain column tables that stay aligned with colour codes inside cells.
import { stripAnsi } from './style.js';

/** `right` lists the columns aligned right (counts); the last column is never padded. */
export function renderTable(header: string[], rows: string[][], style: { bold(s: string): string }, opts: { right?: number[] } = {}): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => stripAnsi(r[i] ?? '').length)));
  const pad = (cell: string, i: number): string => {
    const fill = ' '.repeat(Math.max(0, (widths[i] ?? 0) - stripAnsi(cell).length));
    return opts.right?.includes(i) ? fill + cell : cell + fill;
  };
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, i))).join('  ').trimEnd();
  return [style.bold(line(header)), ...rows.map(line)].join('\n') + '\n';
}
