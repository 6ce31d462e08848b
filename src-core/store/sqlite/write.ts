/**
 * The write path. `prepareTxn` validates and hashes a transaction outside any database lock
 * (canonical JSON is computed once and stored as the event's data). `WriteBatch` applies prepared
 * transactions inside one IMMEDIATE SQLite transaction: it reads each topic's counters from the
 * `topics` table once per batch (the write lock makes that safe across processes), assigns seq and
 * txn densely, de-duplicates against `latest` (which earlier events of the same transaction have
 * already updated; its 52-bit hash filter is confirmed against the head event's full hash), maintains `latest`, `txns` and the counters, and writes the counters back in
 * `flush()`. Every check that can fail a transaction runs before its first write, so a failing
 * transaction leaves nothing behind without needing a savepoint.
 */
import { canonicalJson } from '../../model/canonical';
import { conflict } from '../../model/errors';
import { hashCanonical } from '../../model/hash';
import { DEFAULT_CONTENT_TYPE } from '../../model/limits';
import type { AppendResponse, AppendResultItem, JsonValue, StoredEvent } from '../../model/types';
import { validateAppendRequest, validateTopic } from '../../model/validate';
import { isoTime } from './rows';
import { hashPrefix } from './schema';
import type { Statements, TopicRow } from './statements';

export interface PreparedEvent {
  key: string;
  /** Canonical JSON text, or null for a tombstone. */
  data: string | null;
  hash: string;
  /** null when it is the default content type (not stored). */
  contentType: string | null;
}

export interface PreparedTxn {
  topic: string;
  events: PreparedEvent[];
  expectMaxSeq?: number;
}

/** Validates one transaction and computes what the database needs; throws BAD_REQUEST. */
export function prepareTxn(topic: unknown, req: unknown): PreparedTxn {
  const name = validateTopic(topic);
  const r = validateAppendRequest(req);
  const events = new Array<PreparedEvent>(r.events.length);
  for (let i = 0; i < r.events.length; i++) {
    const e = r.events[i]!;
    const text = canonicalJson(e.data, `events[${i}].data`);
    events[i] = {
      key: e.key,
      data: e.data === null ? null : text,
      hash: e.hash ?? hashCanonical(text),
      contentType: e.contentType === undefined || e.contentType === DEFAULT_CONTENT_TYPE ? null : e.contentType,
    };
  }
  const out: PreparedTxn = { topic: name, events };
  if (r.expectMaxSeq !== undefined) out.expectMaxSeq = r.expectMaxSeq;
  return out;
}

export interface TopicState {
  row: TopicRow;
  dirty: boolean;
  /** Events committed in this batch, collected only when someone listens to the topic. */
  emitted: StoredEvent[] | null;
}

export class WriteBatch {
  readonly topics = new Map<string, TopicState>();

  constructor(
    private readonly st: Statements,
    private readonly listening: (topic: string) => boolean,
  ) {}

  /** The topic's counters as of this batch; creates the topic row when `create` is set. */
  state(name: string, create: boolean): TopicState | undefined {
    let s = this.topics.get(name);
    if (s) return s;
    let row = this.st.topicByName.get(name);
    if (!row) {
      if (!create) return undefined;
      const id = Number(this.st.insertTopic.run(name).lastInsertRowid);
      row = { id, name, max_seq: 0, max_txn: 0, keys: 0, invalid_txns: 0, last_time: null };
    }
    s = { row: { ...row }, dirty: false, emitted: this.listening(name) ? [] : null };
    this.topics.set(name, s);
    return s;
  }

  /** Commit time of the next transaction of a topic: now, but never before its previous commit. */
  static commitTime(s: TopicState): number {
    const now = Date.now();
    return s.row.last_time !== null && s.row.last_time > now ? s.row.last_time : now;
  }

  /** Applies one prepared transaction; throws CONFLICT (before writing anything) on expectMaxSeq. */
  apply(t: PreparedTxn): AppendResponse {
    const existing = this.state(t.topic, false);
    const maxSeq = existing ? existing.row.max_seq : 0;
    if (t.expectMaxSeq !== undefined && t.expectMaxSeq !== maxSeq) {
      throw conflict(`expectMaxSeq: topic "${t.topic}" is at seq ${maxSeq}, not ${t.expectMaxSeq}`);
    }
    const s = existing ?? this.state(t.topic, true)!;
    const row = s.row;
    const st = this.st;
    const topicId = row.id;
    const txn = row.max_txn + 1;
    const now = WriteBatch.commitTime(s);
    let seq = row.max_seq;
    const firstSeq = seq + 1;
    let keysDelta = 0;
    const results = new Array<AppendResultItem>(t.events.length);
    for (let i = 0; i < t.events.length; i++) {
      const e = t.events[i]!;
      const head = st.latest.get(topicId, e.key);
      const vh = hashPrefix(e.hash);
      if (head !== undefined && head.vh === vh) {
        const prev = st.headEvent.get(topicId, head.vseq!);
        if (prev && prev.hash === e.hash) {
          results[i] = { seq: head.vseq!, txn: prev.txn, duplicate: true };
          continue;
        }
      }
      seq++;
      st.insertEvent.run(topicId, seq, txn, e.key, e.data, e.contentType, e.hash, now);
      const live = e.data === null ? 0 : 1;
      if (head === undefined) {
        st.insertLatest.run(topicId, e.key, seq, vh, live, seq, live);
        keysDelta += live;
      } else {
        st.updateLatest.run(seq, vh, live, seq, live, topicId, e.key);
        keysDelta += live - head.vlive;
      }
      results[i] = { seq, txn, duplicate: false };
      if (s.emitted) {
        s.emitted.push({
          topic: t.topic,
          seq,
          txn,
          key: e.key,
          type: 'event',
          data: e.data === null ? null : (JSON.parse(e.data) as JsonValue),
          contentType: e.contentType ?? DEFAULT_CONTENT_TYPE,
          hash: e.hash,
          time: isoTime(now),
        });
      }
    }
    if (seq < firstSeq) return { txn: null, results };
    st.insertTxn.run(topicId, txn, firstSeq, seq, now, 0);
    row.max_seq = seq;
    row.max_txn = txn;
    row.keys += keysDelta;
    row.last_time = now;
    s.dirty = true;
    return { txn, results };
  }

  /** Writes the counters of every topic this batch changed. Call last, inside the transaction. */
  flush(): void {
    for (const s of this.topics.values()) {
      if (!s.dirty) continue;
      const r = s.row;
      this.st.updateTopic.run(r.max_seq, r.max_txn, r.keys, r.invalid_txns, r.last_time, r.id);
    }
  }
}
