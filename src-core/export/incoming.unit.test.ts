/**
 * Reading an export as it arrives (`readExportBody`), as every HTTP client does: rows counted
 * however the bytes are cut into chunks (a quoted newline, a CRLF or a UTF-8 character split
 * across two), the header not counted, the bytes handed on unchanged; a text that stops
 * mid-record, a CSV without its header, bytes that are not UTF-8, a connection that fails and an
 * abort each refused with their own error; the body let go when the caller stops, before the
 * first chunk or part way.
 */
import { describe, expect, it } from 'vitest';
import type { SurfaceRow } from '../model/types';
import { readExportBody, type ExportBody } from './incoming';
import { SURFACE_CSV_HEADER, surfaceRowsText } from './surface';

const enc = new TextEncoder();

/** A body that gives `chunks` one read at a time, then ends (or fails with `fail`); `cancelled` says whether it was let go. */
function bodyOf(chunks: Uint8Array[], fail?: Error): { body: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let i = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (i < chunks.length) c.enqueue(chunks[i++]!);
      else if (fail !== undefined) c.error(fail);
      else c.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { body, cancelled: () => cancelled };
}

/** `bytes` cut into pieces of `size`. */
function cut(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

async function drain(b: ExportBody): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of b) parts.push(c.bytes);
  return Buffer.concat(parts);
}

const rows: SurfaceRow[] = ['plain', 'line\nbreak', 'crlf\r\nkey', 'say "hi", twice', 'é€😀'].map((key, i) => ({
  key,
  seq: i + 1,
  txn: 1,
  hash: 'h'.repeat(64),
  time: '2026-01-01T00:00:00.000Z',
  data: { s: key, nl: 'a\nb' },
}));
const csv = enc.encode(SURFACE_CSV_HEADER + surfaceRowsText(rows, 'csv'));
const ndjson = enc.encode(surfaceRowsText(rows, 'ndjson'));
const BASE = 'http://127.0.0.1:1';

describe('readExportBody', () => {
  for (const size of [1, 2, 3, 7, 64, 100_000]) {
    it(`counts every row and passes the bytes on unchanged in chunks of ${size} bytes`, async () => {
      for (const [format, bytes] of [
        ['csv', csv],
        ['ndjson', ndjson],
      ] as const) {
        const b = readExportBody(bodyOf(cut(bytes, size)).body, format, BASE);
        const got = await drain(b);
        expect(Buffer.from(got).equals(Buffer.from(bytes))).toBe(true);
        expect(b.rows).toBe(rows.length);
        expect(b.bytes).toBe(bytes.length);
      }
    });
  }

  it('counts rows as they arrive, only once each has ended', async () => {
    const b = readExportBody(bodyOf([enc.encode('key,data\na,1\nb,"x\n'), enc.encode('y"\n')]).body, 'csv', BASE);
    const seen: number[] = [];
    for await (const c of b) {
      expect(c.text.length).toBeGreaterThan(0);
      seen.push(b.rows);
    }
    expect(seen).toEqual([1, 2]);
  });

  it('takes an empty NDJSON export and a CSV export of its header alone as whole', async () => {
    const n = readExportBody(bodyOf([]).body, 'ndjson', BASE);
    expect((await drain(n)).length).toBe(0);
    expect(n.rows).toBe(0);
    const c = readExportBody(bodyOf([enc.encode(SURFACE_CSV_HEADER)]).body, 'csv', BASE);
    await drain(c);
    expect(c.rows).toBe(0);
  });

  it('refuses an export that stops inside a record, or a CSV one without its header', async () => {
    const stops = [
      ['csv', csv.subarray(0, csv.length - 1)],
      ['csv', enc.encode('key,data\na,"x\n')],
      ['ndjson', ndjson.subarray(0, ndjson.length - 5)],
      ['csv', new Uint8Array(0)],
    ] as const;
    for (const [format, bytes] of stops) {
      await expect(drain(readExportBody(bodyOf(cut(bytes, 5)).body, format, BASE))).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: `the export from ${BASE} ended in the middle of a record`,
      });
    }
  });

  it('refuses bytes that are not UTF-8, and a character left unfinished at the end', async () => {
    const bad = readExportBody(bodyOf([enc.encode('{"a":1}\n'), Uint8Array.of(0xff, 10)]).body, 'ndjson', BASE);
    await expect(drain(bad)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: `the server at ${BASE} sent text that is not UTF-8`,
    });
    const unfinished = readExportBody(bodyOf([enc.encode('{"a":"'), Uint8Array.of(0xe2, 0x82)]).body, 'ndjson', BASE);
    await expect(drain(unfinished)).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('names a connection that failed part way, and an abort as CANCELLED', async () => {
    const failed = readExportBody(bodyOf([csv.subarray(0, 40)], new Error('socket hang up')).body, 'csv', BASE);
    await expect(drain(failed)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: `the answer from ${BASE} was cut off (socket hang up)`,
    });
    const ac = new AbortController();
    const src = bodyOf(cut(csv, 16));
    const b = readExportBody(src.body, 'csv', BASE, ac.signal);
    const it = b[Symbol.asyncIterator]();
    await it.next();
    ac.abort();
    await expect(it.next()).rejects.toMatchObject({ code: 'CANCELLED', message: 'export cancelled' });
    expect(src.cancelled()).toBe(true);
  });

  it('lets the body go when the caller stops, before the first chunk or part way', async () => {
    const before = bodyOf(cut(csv, 16));
    await readExportBody(before.body, 'csv', BASE)[Symbol.asyncIterator]().return?.();
    expect(before.cancelled()).toBe(true);

    const partWay = bodyOf(cut(csv, 16));
    for await (const c of readExportBody(partWay.body, 'csv', BASE)) {
      expect(c.bytes.length).toBe(16);
      break;
    }
    expect(partWay.cancelled()).toBe(true);

    const whole = bodyOf(cut(csv, 16));
    await drain(readExportBody(whole.body, 'csv', BASE));
    expect(whole.cancelled()).toBe(false);
  });
});
