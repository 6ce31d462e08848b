/**
 * Reading a surface export (`GET …/surface/export`) as it arrives: the one home for every HTTP
 * client that saves one (the Node services behind `tidemark export --url` and the desktop app's
 * server connections, services/http.ts; the browser app's download, renderer/api/http-long-ops.ts).
 * Each chunk is decoded (UTF-8, strictly) and its records counted as it passes (export/records.ts:
 * a CSV record, not a line, and not the header), so no client holds the export's text to count
 * it. The export is whole only when its text ends at the end of a record (and a CSV one has its
 * header): a transfer cut off in between is UNAVAILABLE, never a shorter file reported as saved.
 * An abort is CANCELLED. The body is let go whenever the caller stops. An export is as long as the
 * surface, so it has no size bound (docs/security.md, "Answers a client reads"); a caller keeps
 * what it needs of each chunk. Pure (web streams), so the same code runs in Node and the browser.
 */
import { TidemarkError } from '../model/errors';
import type { ExportFormat } from '../model/store-api';
import { cutOff } from '../wire/body-read';
import { RecordCounter } from './records';

/** One piece of the export as it arrived: its bytes and their text. */
export interface ExportChunk {
  /** A fetch body's bytes (never a shared buffer: typed so a Blob takes them). */
  bytes: Uint8Array<ArrayBuffer>;
  text: string;
}

export interface ExportBody extends AsyncIterable<ExportChunk> {
  /** Data rows received whole so far (a CSV header is not one). */
  readonly rows: number;
  /** Bytes received so far. */
  readonly bytes: number;
}

export function exportCancelled(): TidemarkError {
  return new TidemarkError('CANCELLED', 'export cancelled');
}

/** The export `body` from the server at `base`, in `format`, read as the caller iterates it. */
export function readExportBody(
  body: ReadableStream<Uint8Array>,
  format: ExportFormat,
  base: string,
  signal?: AbortSignal,
): ExportBody {
  const reader = body.getReader();
  const release = (): void => {
    reader.cancel().catch(() => undefined);
  };
  const counter = new RecordCounter(format);
  const header = format === 'csv' ? 1 : 0;
  let bytes = 0;

  async function* chunks(): AsyncGenerator<ExportChunk> {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let finished = false;
    try {
      for (;;) {
        let chunk: Uint8Array<ArrayBuffer> | null;
        let text: string;
        try {
          const r = await reader.read();
          chunk = r.done ? null : (r.value as Uint8Array<ArrayBuffer>);
          text = chunk === null ? decoder.decode() : decoder.decode(chunk, { stream: true });
        } catch (e) {
          if (signal?.aborted === true) throw exportCancelled();
          throw cutOff(base, e);
        }
        if (signal?.aborted === true) throw exportCancelled();
        counter.push(text);
        if (chunk === null) break;
        bytes += chunk.byteLength;
        yield { bytes: chunk, text };
      }
      finished = true;
      if (!counter.atBoundary || counter.complete < header) {
        throw new TidemarkError('UNAVAILABLE', `the export from ${base} ended in the middle of a record`);
      }
    } finally {
      if (!finished) release();
    }
  }

  const it = chunks();
  // Given up before the first read (the generator's own cleanup never ran): release the body.
  const iterator: AsyncIterator<ExportChunk> = {
    next: () => it.next(),
    return: (value?: unknown) => {
      release();
      return it.return(value);
    },
  };
  return {
    get rows() {
      return Math.max(0, counter.complete - header);
    },
    get bytes() {
      return bytes;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
}
