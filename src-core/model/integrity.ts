/**
 * The integrity operations' shapes (docs/integrity.md, docs/operations.md): verify's result and
 * progress, import's unit and answer, compare's report. The byte layout of the chain itself lives
 * in store/chain.ts (it needs node:crypto); the engines in store/verify.ts, the backends' import
 * paths and services/compare.ts. Types only: the renderer imports this module.
 */
import type { BatchError, StoredEvent, TxnInfo } from './types';

/** What verify names as the first thing wrong (API.md "Integrity"). */
export type VerifyWhat = 'data' | 'hash' | 'chain' | 'numbering' | 'marker' | 'surface' | 'counters' | 'anchor';

/** The first problem verify found: the transaction it is in (null where none applies) and why. */
export interface VerifyProblem {
  txn: number | null;
  what: VerifyWhat;
  /** One readable sentence naming what did not match (e.g. the seq and key of the event). */
  message: string;
}

/** A stored value that today's validation would refuse (written before a limit existed). */
export interface LegacyValue {
  txn: number;
  seq: number;
  key: string;
  /** Which of today's rules it breaks, in words (e.g. "data nested deeper than 64 levels"). */
  problem: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Transactions and events checked. */
  txns: number;
  events: number;
  /** The chain of the last transaction checked, or null for an empty topic. */
  head: string | null;
  firstBad: VerifyProblem | null;
  /** At most LIMITS.verifyLegacyMax, in seq order. */
  legacy: LegacyValue[];
  /** True when more legacy values were found than `legacy` lists (the list was cut at the limit). */
  legacyCut: boolean;
}

/** Verify's progress: transactions checked of the topic's total when it started. */
export interface VerifyProgress {
  txns: number;
  events: number;
  totalTxns: number;
}

export interface VerifyOptions {
  /** A chain recorded elsewhere (an anchor): the check fails unless it appears in the log. */
  expectHead?: string;
  signal?: AbortSignal;
  onProgress?: (p: VerifyProgress) => void;
}

/** One transaction of an import: its `TxnInfo` as read (chain, meta, by) and its events as read. */
export interface ImportTxn {
  txn: TxnInfo;
  events: StoredEvent[];
}

/** Import's answer (like `/v1/batch`): what was imported before the first failure, if any. */
export interface ImportResult {
  imported: number;
  /** The topic's head after the import (null: still empty). */
  head: string | null;
  error: BatchError | null;
}

export interface ImportOptions {
  signal?: AbortSignal;
  /** Called after each committed transaction with the count imported so far. */
  onProgress?: (imported: number) => void;
}

// ---- compare (services/compare.ts, `tidemark compare`, the app's "Compare with…") ----

/** What one side of a comparison holds of a topic, as read when the comparison started. */
export interface CompareSide {
  maxTxn: number;
  /** The chain of its last transaction. */
  head: string | null;
}

/**
 * How a topic's two logs relate: `equal` (same head, so the same log); `missing` (`side` has no
 * transaction of it, or with `side` `both` neither has); `prefix` (one log is a strict prefix of
 * the other: `side` is ahead by `aheadBy` transactions); `diverged` (they differ from
 * `firstDiff.txn` on).
 */
export type CompareResult = 'equal' | 'missing' | 'prefix' | 'diverged';

/** The first transaction whose chains differ, as each side has it. */
export interface CompareDivergence {
  txn: number;
  from: TxnInfo;
  to: TxnInfo;
}

export interface TopicComparison {
  topic: string;
  result: CompareResult;
  /** Null where that side has no transaction of the topic. */
  from: CompareSide | null;
  to: CompareSide | null;
  /** `missing`: the side without the topic (`both`: neither has it); `prefix`: the side ahead. */
  side: 'from' | 'to' | 'both' | null;
  /** `prefix`: how many transactions the side ahead has beyond the other's last; else 0. */
  aheadBy: number;
  /** Transactions the two logs share from the start (their common prefix). */
  common: number;
  /** `diverged` only. */
  firstDiff: CompareDivergence | null;
  /** Reads this topic cost on each side (a topic's counters or one transaction each). */
  reads: { from: number; to: number };
}

export interface CompareReport {
  /** True when every topic compared is `equal`. */
  equal: boolean;
  topics: TopicComparison[];
  /** Reads made on each side in all (topic lists included). */
  reads: { from: number; to: number };
}
