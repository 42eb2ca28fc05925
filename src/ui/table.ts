// Plain column tables that stay aligned with colour codes, CJK and emoji inside cells, and fit a width.
import { stripAnsi } from './style.js';
import { displayWidth as stringWidth, truncate } from './wrap.js';

export interface TableOptions {
  /** Columns aligned right (counts). */
  right?: number[];
  /** Fit this many columns by shortening the `shrink` columns (ending them with …); undefined: no limit. */
  width?: number;
  /** Columns that may be shortened, most expendable first. */
  shrink?: number[];
  /**
   * Columns that may be left out, first listed first, when the width leaves the `keep` column fewer than
   * `atLeast` characters (a title cut to "A servi…" says nothing; a narrow pane is better served without
   * the review date).
   */
  drop?: { columns: number[]; keep: number; atLeast: number };
}

const GAP = 2;
const MIN = 6;

/** The last column is never padded. Shortened cells lose their colour (they are plain text in practice). */
export function renderTable(header: string[], rows: string[][], style: { bold(s: string): string }, opts: TableOptions = {}): string {
  const shown = opts.width !== undefined && opts.drop ? columnsShown(header, rows, opts.width, opts.shrink ?? [], opts.drop) : undefined;
  if (shown !== undefined) {
    const pick = (cells: string[]): string[] => shown.map((i) => cells[i] ?? '');
    const at = (i: number): number => shown.indexOf(i);
    return renderTable(pick(header), rows.map(pick), style, {
      width: opts.width,
      ...(opts.right ? { right: opts.right.map(at).filter((i) => i >= 0) } : {}),
      ...(opts.shrink ? { shrink: opts.shrink.map(at).filter((i) => i >= 0) } : {}),
    });
  }
  const widths = naturalWidths(header, rows);
  if (opts.width !== undefined) fit(widths, header, opts.width, opts.shrink ?? []);
  const cell = (c: string, i: number): string => (stringWidth(c) > (widths[i] ?? 0) ? truncate(stripAnsi(c), widths[i] ?? 0) : c);
  const pad = (c: string, i: number): string => {
    const fill = ' '.repeat(Math.max(0, (widths[i] ?? 0) - stringWidth(c)));
    return opts.right?.includes(i) ? fill + c : c + fill;
  };
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => cell(c, i))
      .map((c, i) => (i === cells.length - 1 ? c : pad(c, i)))
      .join(' '.repeat(GAP))
      .trimEnd();
  return [style.bold(line(header)), ...rows.map(line)].join('\n') + '\n';
}

function naturalWidths(header: string[], rows: string[][]): number[] {
  return header.map((h, i) => Math.max(stringWidth(h), ...rows.map((r) => stringWidth(r[i] ?? ''))));
}

/** The columns kept (indices, in order) when some must go for `keep` to keep its width; undefined: all of them. */
function columnsShown(header: string[], rows: string[][], width: number, shrink: number[], drop: NonNullable<TableOptions['drop']>): number[] | undefined {
  const natural = naturalWidths(header, rows);
  const want = Math.min(drop.atLeast, natural[drop.keep] ?? 0);
  let shown = header.map((_h, i) => i);
  for (const gone of [undefined, ...drop.columns]) {
    if (gone !== undefined) shown = shown.filter((i) => i !== gone);
    const widths = shown.map((i) => natural[i] ?? 0);
    fit(widths, shown.map((i) => header[i] ?? ''), width, shrink.map((i) => shown.indexOf(i)).filter((i) => i >= 0));
    if ((widths[shown.indexOf(drop.keep)] ?? 0) >= want) return gone === undefined ? undefined : shown;
  }
  return shown;
}

/** Narrow the shrinkable columns, the first listed first, down to their header or MIN, until the row fits. */
function fit(widths: number[], header: string[], width: number, shrink: number[]): void {
  const total = (): number => widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
  for (const i of shrink) {
    const over = total() - width;
    if (over <= 0) return;
    const floor = Math.max(MIN, stringWidth(header[i] ?? ''));
    widths[i] = Math.max(floor, (widths[i] ?? 0) - over);
  }
}
