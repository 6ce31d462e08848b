/**
 * Saving what a service produces to a file that appears whole or not at all (Node only). The text
 * goes to a temporary file beside the target, `<file>.partial-<random>` (created exclusively, so it
 * never overwrites anything), which is renamed into place only once everything is written and
 * flushed; a failure, a cancel or an early stop removes it and leaves the target as it was.
 * Writes respect back-pressure (`pipeline`). `exportSurfaceToFile` is the surface export to a file of the
 * desktop app's export job (and of anything else that exports to a file), over any store through
 * `StoreServices`; the CLI's `diff --out` writes its rows through `PartialFile` the same way.
 */
import { randomBytes } from 'node:crypto';
import { type WriteStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { TidemarkError } from '../model/errors';
import type { ExportSurfaceRequest, LongOperation } from '../model/store-api';
import type { StoreServices } from './types';

export class PartialFile {
  private failure: Error | null = null;

  private constructor(
    /** The file it becomes. */
    readonly file: string,
    /** The temporary file being written. */
    readonly path: string,
    /** The stream to write to. */
    readonly stream: WriteStream,
  ) {
    stream.on('error', (e) => (this.failure ??= e));
  }

  /** Creates the temporary file beside `file`; a file that cannot be created is a BAD_REQUEST naming it. */
  static async create(file: string): Promise<PartialFile> {
    const path = partialPathOf(file);
    const stream = createWriteStream(path, { flags: 'wx', encoding: 'utf8' });
    try {
      await once(stream, 'ready');
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      throw new TidemarkError('BAD_REQUEST', `${file}: cannot be written (${String(code ?? e)})`, { cause: e });
    }
    return new PartialFile(file, path, stream);
  }

  /** Ends the stream (unless a writer already did), waits until it is on disk, and renames it into place. */
  async commit(): Promise<void> {
    this.check();
    if (!this.stream.writableFinished) {
      await new Promise<void>((resolve, reject) => {
        this.stream.once('error', reject);
        this.stream.end(() => resolve());
      });
    }
    this.check();
    await rename(this.path, this.file);
  }

  /** Stops writing and removes the temporary file. */
  async discard(): Promise<void> {
    if (!this.stream.closed) {
      const closed = once(this.stream, 'close').catch(() => undefined);
      this.stream.destroy();
      await closed;
    }
    await rm(this.path, { force: true });
  }

  private check(): void {
    if (this.failure !== null) throw this.failure;
  }
}

/** The temporary name beside `file` that a whole-or-nothing write uses until it is complete. */
export function partialPathOf(file: string): string {
  return `${file}.partial-${randomBytes(6).toString('hex')}`;
}

/**
 * Creates an empty temporary file beside `file`, exclusively, for a writer that needs a path rather
 * than a stream (SQLite's backup API, services/backup.ts); the caller renames it into place when
 * complete or removes it. A file that cannot be created is a BAD_REQUEST naming it, as in `PartialFile`.
 */
export async function reservePartialPath(file: string): Promise<string> {
  const path = partialPathOf(file);
  try {
    await (await open(path, 'wx')).close();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new TidemarkError('BAD_REQUEST', `${file}: cannot be written (${String(code ?? e)})`, { cause: e });
  }
  return path;
}

/** Writes `text` to `file` through a `PartialFile`; an aborted `signal` is CANCELLED and leaves nothing. */
export async function writeFileAtomically(
  file: string,
  text: AsyncIterable<string>,
  signal: AbortSignal | undefined,
  what = 'the write',
): Promise<void> {
  let out: PartialFile;
  try {
    out = await PartialFile.create(file);
  } catch (e) {
    await text[Symbol.asyncIterator]().return?.();
    throw e;
  }
  try {
    // Back-pressure, and on a failure of either side the other is stopped too.
    await pipeline(text, out.stream);
    if (signal?.aborted === true) throw new TidemarkError('CANCELLED', `${what} was cancelled`);
    await out.commit();
  } catch (e) {
    await out.discard();
    throw e;
  }
}

/**
 * Exports a topic's surface to `file` (CSV or NDJSON, export/surface.ts); returns the rows written.
 * The first page is read before the file is created, so a bad topic or option creates nothing.
 */
export async function exportSurfaceToFile(
  services: StoreServices,
  topic: string,
  req: ExportSurfaceRequest,
  file: string,
  op: Pick<LongOperation, 'onProgress' | 'signal'> = {},
): Promise<number> {
  const exp = await services.exportSurface(topic, req, op);
  await writeFileAtomically(file, exp, op.signal, 'the export');
  return exp.rows;
}
