/**
 * `parseSnapshot`: one entry point over the three snapshot parsers. Takes a `SnapshotSource`
 * (chunks of UTF-8 bytes or text in any of csv, json, ndjson) and yields `SnapshotRecord`s in file
 * order, reporting bytes read. An empty file is a valid empty snapshot.
 */
import { parseCsv } from './csv';
import { decodeUtf8 } from './decode';
import { JsonArrayScanner } from './json-array';
import { NdjsonSplitter } from './ndjson';
import type { SnapshotRecord, SnapshotSource } from './types';

export interface ParseHooks {
  /** Total bytes read so far. */
  onBytes?: (bytes: number) => void;
  /** CSV only: the header columns, before the first record. */
  onHeader?: (columns: string[]) => void;
}

export async function* parseSnapshot(
  source: SnapshotSource,
  hooks: ParseHooks = {},
): AsyncGenerator<SnapshotRecord, void, undefined> {
  if (source.format === 'csv') {
    yield* parseCsv(source.body, hooks);
    return;
  }
  const text = decodeUtf8(source.body, hooks.onBytes);
  switch (source.format) {
    case 'json': {
      const scanner = new JsonArrayScanner();
      for await (const piece of text) yield* scanner.push(piece);
      scanner.end();
      return;
    }
    case 'ndjson': {
      const splitter = new NdjsonSplitter();
      for await (const piece of text) yield* splitter.push(piece);
      yield* splitter.end();
      return;
    }
  }
}
