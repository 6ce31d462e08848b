/**
 * The topic counters row both SQL backends maintain on write (docs/engine.md, "Storage
 * vocabulary") and how it becomes a `TopicInfo`. Each backend reads its own time column and
 * hands it over as ISO text.
 */
import type { TopicInfo } from '../model/types';

export interface TopicCounters {
  topic: string;
  max_seq: number;
  max_txn: number;
  keys: number;
  invalid_txns: number;
  /** The chain of the last transaction, or null. */
  head: string | null;
}

export function topicInfoFrom(r: TopicCounters, lastTime: string | null): TopicInfo {
  return {
    topic: r.topic,
    events: r.max_seq,
    keys: r.keys,
    maxSeq: r.max_seq,
    maxTxn: r.max_txn,
    invalidTxns: r.invalid_txns,
    lastTime,
    head: r.head,
  };
}
