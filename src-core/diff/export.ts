/**
 * Writing diff rows to a Node stream as they come: `DiffRowWriter` takes the layout of
 * src-core/export/diff.ts (the one diff file layout: CSV with its header, or NDJSON; or a caller's
 * own line, such as the server's streamed `{"row"}` lines), batches rows into ~64 KiB writes to
 * any Writable and honours back-pressure: `write` returns a promise only when the stream asked to
 * wait, so it plugs straight into `diffSnapshot`'s `onRow`. Node-only (the formatting is pure and
 * lives in export/).
 */
import type { Writable } from 'node:stream';
import { type DiffFileOptions, diffFileStart, diffRowLine } from '../export/diff';
import { TidemarkError } from '../model/errors';
import type { ExportFormat } from '../model/store-api';
import type { DiffRow } from '../model/types';

const FLUSH_CHARS = 64 * 1024;

/** Writes diff rows to a stream in the chosen format, batched, with back-pressure. */
export class DiffRowWriter {
  private buf = '';
  rows = 0;
  private failed: Error | null = null;

  constructor(
    format: ExportFormat,
    private readonly out: Writable,
    /** Transforms a row to a line; default: the row in `format` (export/diff.ts). */
    private readonly line: (row: DiffRow) => string = (row) => diffRowLine(row, format),
    /** The diff's options, recorded in an NDJSON file's first line (export/diff.ts). */
    options?: DiffFileOptions,
  ) {
    this.buf = diffFileStart(format, options);
    out.on('error', (e) => (this.failed ??= e));
  }

  /** Adds a row; returns a promise only when the stream wants the writer to wait. */
  write = (row: DiffRow): void | Promise<void> => {
    this.rows++;
    this.buf += this.line(row);
    if (this.buf.length >= FLUSH_CHARS) return this.flush();
  };

  /** Writes raw text (e.g. a trailer line) after the buffered rows. */
  text(s: string): void | Promise<void> {
    this.buf += s;
    if (this.buf.length >= FLUSH_CHARS) return this.flush();
  }

  flush(): void | Promise<void> {
    if (this.failed) throw this.failed;
    // A destroyed stream never drains again: stop here rather than wait forever.
    if (this.out.destroyed) throw new TidemarkError('CANCELLED', 'the output was closed before the rows were written');
    if (this.buf === '') return;
    const ok = this.out.write(this.buf);
    this.buf = '';
    if (!ok) return waitDrain(this.out);
  }

  /** Flushes and ends the stream; resolves when everything is written. */
  async end(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(() => resolve());
    });
    if (this.failed) throw this.failed;
  }
}

/** Resolves on 'drain', or when the stream closes or fails (so a gone reader never hangs us). */
function waitDrain(out: Writable): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    out.on('error', done);
  });
}
