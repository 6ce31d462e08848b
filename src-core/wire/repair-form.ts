/**
 * The multipart/form-data body of `POST /v1/topics/{topic}/repair` when chosen keys are sent (the
 * one home of its layout): a `keys` part (NDJSON: one JSON string per line, so any key can be
 * named) and then a `snapshot` part (the file). Keys come first so the server knows them before
 * the snapshot streams through the diff. `repairMultipart` encodes it as a stream (Node callers
 * with a snapshot of any size: nothing is buffered but the keys), and `repairFormData` builds the
 * same parts as a `FormData` for the browser. Pure (Web APIs only).
 */
import type { SnapshotFormat } from '../model/store-api';
import { type DiffQueryOptions, diffQuery } from './diff-query';
import type { Query } from './query';
import { CONTENT_TYPES } from './snapshot-format';

/** The part names, in the order they must be sent. */
export const REPAIR_PARTS = { keys: 'keys', snapshot: 'snapshot' } as const;

/** A repair's options beside the diff's (`limit` is the number of events returned). */
export interface RepairQueryOptions extends Omit<DiffQueryOptions, 'asOfTxn' | 'includeEqual'> {
  include?: readonly string[] | undefined;
  reason: string;
  dryRun?: boolean | undefined;
  expectMaxSeq?: number | undefined;
  name?: string | null | undefined;
}

/** The repair route's query: the diff's (without asOfTxn, includeEqual) and the repair's own. */
export function repairQuery(opts: RepairQueryOptions): Query {
  const { include, reason, dryRun, expectMaxSeq, name, ...diff } = opts;
  return {
    ...diffQuery(diff),
    include: include !== undefined ? include.join(',') : undefined,
    reason,
    dryRun: dryRun === undefined ? undefined : String(dryRun),
    expectMaxSeq,
    name: name ?? undefined,
  };
}

/** The `keys` part's text: one JSON string per line. */
export function keysNdjson(keys: readonly string[]): string {
  let out = '';
  for (const k of keys) out += JSON.stringify(k) + '\n';
  return out;
}

/** A file name as a quoted-string of a Content-Disposition header (quotes, backslashes and line breaks escaped away). */
function quoted(name: string): string {
  return '"' + name.replace(/[\r\n"\\]/g, (c) => (c === '"' ? '%22' : c === '\\' ? '\\\\' : ' ')) + '"';
}

function boundary(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return '----tidemark-repair-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface RepairMultipart {
  /** The request's Content-Type (with its boundary). */
  contentType: string;
  body: AsyncIterable<Uint8Array>;
  /** The body's size in bytes, when the snapshot's is known. */
  size: number | null;
}

/** The form as a stream: the keys part, then the snapshot's chunks as they are read. */
export function repairMultipart(
  keys: readonly string[],
  snapshot: { name: string; format: SnapshotFormat; body: AsyncIterable<Uint8Array | string>; size: number | null },
): RepairMultipart {
  const b = boundary();
  const enc = new TextEncoder();
  const head = enc.encode(
    `--${b}\r\nContent-Disposition: form-data; name="${REPAIR_PARTS.keys}"; filename="keys.ndjson"\r\n` +
      `Content-Type: application/x-ndjson\r\n\r\n${keysNdjson(keys)}\r\n` +
      `--${b}\r\nContent-Disposition: form-data; name="${REPAIR_PARTS.snapshot}"; filename=${quoted(snapshot.name)}\r\n` +
      `Content-Type: ${CONTENT_TYPES[snapshot.format]}\r\n\r\n`,
  );
  const tail = enc.encode(`\r\n--${b}--\r\n`);
  async function* body(): AsyncGenerator<Uint8Array> {
    yield head;
    for await (const chunk of snapshot.body) yield typeof chunk === 'string' ? enc.encode(chunk) : chunk;
    yield tail;
  }
  return {
    contentType: `multipart/form-data; boundary=${b}`,
    body: body(),
    size: snapshot.size === null ? null : head.byteLength + snapshot.size + tail.byteLength,
  };
}

/** The same parts as a FormData (the browser sends it as is; it picks the boundary). */
export function repairFormData(keys: readonly string[], file: Blob, name: string): FormData {
  const form = new FormData();
  form.append(REPAIR_PARTS.keys, new Blob([keysNdjson(keys)], { type: 'application/x-ndjson' }), 'keys.ndjson');
  form.append(REPAIR_PARTS.snapshot, file, name);
  return form;
}
