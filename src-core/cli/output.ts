/**
 * Writing command results to stdout: NDJSON (one JSON object per line, for scripts) or an aligned,
 * human-readable table whose widest column (usually `data`) is truncated to fit the terminal.
 * Output is written page by page with back-pressure, so `--all` over a million rows streams in
 * constant memory; a closed pipe (`tidemark read --all | head`) ends the command quietly.
 */
import type { Writable } from 'node:stream';
import { stringifyJson } from '../model/json-write';

export type OutputFormat = 'ndjson' | 'table';

/** `--format` (options.ts `addFormatOption`): ndjson when stdout is not a terminal, else table. */
export function resolveFormat(value: string | undefined): OutputFormat {
  if (value === 'ndjson' || value === 'table') return value;
  return process.stdout.isTTY ? 'table' : 'ndjson';
}

export interface Column<T> {
  header: string;
  get: (row: T) => string;
  /** Right-align (numbers). */
  right?: boolean;
  /** The column that absorbs the lack of width (truncated with an ellipsis). */
  flex?: boolean;
  /** Cells longer than this are truncated (non-flex columns). */
  max?: number;
}

/** Thrown (and swallowed by the commands) when the reader of stdout went away. */
export class OutputClosed extends Error {
  /** What `isOutputClosed` looks for. */
  readonly outputClosed = true;
  constructor() {
    super('output closed');
  }
}

/**
 * Whether `err` is an OutputClosed, told by its mark rather than `instanceof`: dist/cli.js and
 * the actions it loads (dist/chunks/cli) each have their own copy of this module
 * (scripts/build-lib.mjs).
 */
export function isOutputClosed(err: unknown): boolean {
  return err instanceof Error && (err as Partial<OutputClosed>).outputClosed === true;
}

/** A line-oriented writer that honours back-pressure and notices a closed pipe. */
export class LineSink {
  private closed = false;
  constructor(private readonly stream: Writable = process.stdout) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.closed = true;
    });
  }

  async write(text: string): Promise<void> {
    if (this.closed) throw new OutputClosed();
    if (text === '') return;
    if (!this.stream.write(text)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.stream.off('drain', done);
          this.stream.off('error', done);
          this.stream.off('close', done);
          resolve();
        };
        this.stream.on('drain', done);
        this.stream.on('error', done);
        this.stream.on('close', done);
      });
    }
    if (this.closed) throw new OutputClosed();
  }
}

export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  if (width === 1) return '…';
  return text.slice(0, width - 1) + '…';
}

/** One line per cell value: control characters (newlines, tabs) would break the table. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ');
}

/**
 * Formats rows as an aligned table, page by page: the header is written once, and column widths
 * only ever grow, so pages stay aligned unless a later page has a longer cell.
 */
export class TableWriter<T> {
  private widths: number[];
  private headerDone = false;
  constructor(
    private readonly columns: Column<T>[],
    private readonly totalWidth: number = process.stdout.columns ?? 120,
  ) {
    this.widths = columns.map((c) => c.header.length);
  }

  page(rows: T[]): string {
    const cells = rows.map((r) => this.columns.map((c) => oneLine(c.get(r))));
    this.columns.forEach((c, i) => {
      let w = this.widths[i] ?? 0;
      for (const row of cells) w = Math.max(w, (row[i] ?? '').length);
      if (c.max !== undefined) w = Math.min(w, Math.max(c.max, c.header.length));
      this.widths[i] = w;
    });
    const flex = this.columns.findIndex((c) => c.flex === true);
    const widths = [...this.widths];
    if (flex >= 0) {
      const others = widths.reduce((sum, w, i) => (i === flex ? sum : sum + w + 2), 0);
      widths[flex] = Math.max(
        Math.max(20, this.columns[flex]!.header.length),
        Math.min(widths[flex]!, this.totalWidth - others),
      );
    }
    let out = '';
    if (!this.headerDone) {
      out += this.line(
        this.columns.map((c) => c.header),
        widths,
      );
      out += this.line(
        widths.map((w) => '-'.repeat(w)),
        widths,
      );
      this.headerDone = true;
    }
    for (const row of cells) out += this.line(row, widths);
    return out;
  }

  private line(cells: string[], widths: number[]): string {
    const parts = cells.map((cell, i) => {
      const w = widths[i] ?? 0;
      const text = truncate(cell, w);
      const last = i === cells.length - 1;
      if (this.columns[i]?.right === true) return text.padStart(w);
      return last ? text : text.padEnd(w);
    });
    return parts.join('  ').trimEnd() + '\n';
  }
}

/** Writes pages of rows in the chosen format. */
export class RowPrinter<T> {
  private readonly table: TableWriter<T> | null;
  rows = 0;
  constructor(
    private readonly format: OutputFormat,
    columns: Column<T>[],
    private readonly sink: LineSink = new LineSink(),
    private readonly toJson: (row: T) => unknown = (row) => row,
  ) {
    this.table = format === 'table' ? new TableWriter(columns) : null;
  }

  async page(rows: T[]): Promise<void> {
    if (rows.length === 0) return;
    this.rows += rows.length;
    if (this.table !== null) {
      await this.sink.write(this.table.page(rows));
      return;
    }
    let out = '';
    for (const r of rows) out += stringifyJson(this.toJson(r)) + '\n';
    await this.sink.write(out);
  }

  /** A table with no rows still says so, so a person is not left guessing. */
  async finish(emptyMessage: string): Promise<void> {
    if (this.format === 'table' && this.rows === 0) await this.sink.write(`(${emptyMessage})\n`);
  }
}

/** JSON of a data value for a table cell. */
export function dataCell(data: unknown): string {
  return data === undefined ? '' : stringifyJson(data);
}
