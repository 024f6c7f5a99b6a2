import { escapeTerminal } from './escape-terminal';

/**
 * Left-aligned columns for human output; one string per line, header first. Every cell is escaped
 * (`escapeTerminal`) before widths are measured: cells hold server data, and a newline or an escape
 * sequence in one would break the table or the terminal.
 */
export function formatTable(headers: string[], rows: (string | number | undefined)[][]): string[] {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === undefined ? '' : String(c))))].map((r) =>
    r.map((c) => escapeTerminal(c)),
  );
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}
