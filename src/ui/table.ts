// Plain column tables that stay aligned with colour codes inside cells.
import { stripAnsi } from './style.js';

export function renderTable(header: string[], rows: string[][], style: { bold(s: string): string }): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => stripAnsi(r[i] ?? '').length)));
  const pad = (cell: string, i: number): string => cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - stripAnsi(cell).length));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, i))).join('  ').trimEnd();
  return [style.bold(line(header)), ...rows.map(line)].join('\n') + '\n';
}
