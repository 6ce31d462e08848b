/**
 * The one preparation path in front of every database backend (SQLite, PostgreSQL): turns a
 * writer's transaction into a neutral prepared transaction before any lock or connection is
 * taken. It validates the topic and events (model/validate.ts: the same checks and messages on
 * every backend, text that cannot be stored unchanged included, see model/text.ts), builds each
 * event's canonical JSON once (refusing data that is not storable JSON), and computes its hash
 * over that text unless the writer gave one. Each backend maps the result to its own columns
 * (SQLite stores a tombstone's data and the default content type as NULL; PostgreSQL keeps the
 * text and a `tomb` flag), so both read back identical JSON.
 */
import { hashCanonical } from './hash';
import { storableCanonicalJson } from '../model/text';
import type { AppendRequest } from '../model/types';
import { contentTypeOf, validateAppendRequest, validateBatchTxn, validateTopic } from '../model/validate';

export interface PreparedEvent {
  key: string;
  /** Canonical JSON text of the data (`null` for a tombstone). */
  data: string;
  /** True when the data is null: the key leaves the surface. */
  tomb: boolean;
  /** The content type, the default filled in. */
  contentType: string;
  hash: string;
}

export interface PreparedTxn {
  topic: string;
  events: PreparedEvent[];
  expectMaxSeq: number | undefined;
}

/** Validates one transaction and computes what the database needs; throws BAD_REQUEST. */
export function prepareTxn(topic: unknown, req: unknown): PreparedTxn {
  return prepareValid(validateTopic(topic), validateAppendRequest(req), '');
}

/** Transaction `i` of a batch: as `prepareTxn`, errors naming it `txns[i]...` (validate.ts). */
export function prepareBatchTxn(raw: unknown, i: number): PreparedTxn {
  const t = validateBatchTxn(raw, i);
  return prepareValid(t.topic, t, `txns[${i}].`);
}

/** Canonical data text and hash of each event of a validated transaction; `path` prefixes error fields. */
function prepareValid(name: string, r: AppendRequest, path: string): PreparedTxn {
  const events: PreparedEvent[] = new Array<PreparedEvent>(r.events.length);
  for (let i = 0; i < r.events.length; i++) {
    const e = r.events[i]!;
    const canonical = storableCanonicalJson(e.data, `${path}events[${i}].data`);
    events[i] = {
      key: e.key,
      data: canonical,
      tomb: e.data === null,
      contentType: contentTypeOf(e),
      hash: e.hash ?? hashCanonical(canonical),
    };
  }
  return { topic: name, events, expectMaxSeq: r.expectMaxSeq };
}
