/**
 * Turns a writer's transaction into what the SQL needs, before any connection is taken: validates
 * the topic and events (model/validate.ts: the same checks and messages as every backend, text
 * that cannot be stored unchanged included, see model/text.ts), checks that each event's data is
 * storable JSON, computes its hash over the canonical JSON unless the writer gave one, and stores
 * that canonical text as the data (as the SQLite backend does, so both read back identical JSON).
 */
import { hashCanonical } from '../../model/hash';
import { storableCanonicalJson } from '../../model/text';
import type { AppendRequest } from '../../model/types';
import { contentTypeOf, validateAppendRequest, validateBatchTxn, validateTopic } from '../../model/validate';

export interface PreparedEvent {
  key: string;
  /** Canonical JSON text (as SQLite stores it, so both backends read back the same bytes). */
  data: string;
  tomb: boolean;
  contentType: string;
  hash: string;
}

export interface PreparedTxn {
  topic: string;
  events: PreparedEvent[];
  expectMaxSeq: number | undefined;
}

export function prepareTxn(topic: unknown, req: unknown): PreparedTxn {
  return prepareValid(validateTopic(topic), validateAppendRequest(req), '');
}

/** Transaction `i` of a batch: as `prepareTxn`, errors naming it `txns[i]...` (validate.ts). */
export function prepareBatchTxn(raw: unknown, i: number): PreparedTxn {
  const t = validateBatchTxn(raw, i);
  return prepareValid(t.topic, t, `txns[${i}].`);
}

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
