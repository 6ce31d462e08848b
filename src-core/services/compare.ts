/**
 * `compareStores`: are two stores' logs the same, topic by topic (`tidemark compare`, the app's
 * "Compare with…")? A transaction's chain covers every transaction before it (docs/integrity.md),
 * so equal heads mean equal logs, and if the chains at transaction n are equal, so are the logs up
 * to n. Where heads differ, the chains at the shorter log's last transaction tell whether one log
 * is a strict prefix of the other; otherwise bisection over chains finds the first transaction at
 * which they differ: each step reads one transaction per side (one `listTxns` call with
 * `after: n - 1, limit: 1`), so a topic of N transactions costs about log2(N) + 1 reads per side.
 * Logs only grow, so a writer running during the comparison does not disturb it: it compares the
 * logs as they stood at the heads it read first. Reads are counted per side and reported.
 */
import { TidemarkError, hasErrorCode } from '../model/errors';
import type { CompareReport, CompareSide, TopicComparison } from '../model/integrity';
import type { Progress } from '../model/store-api';
import type { TopicInfo, TxnInfo } from '../model/types';
import { validateTopic } from '../model/validate';
import type { EventStore } from '../store/types';

export interface CompareOptions {
  /** The topics to compare (default: every topic either side has). */
  topics?: string[];
  signal?: AbortSignal;
  /** Topics compared of the total, after each topic (`unit: 'topics'`, `phase` the topic). */
  onProgress?: (p: Progress) => void;
}

type SideName = 'from' | 'to';

/** One store with the reads made on it counted. */
class Side {
  reads = 0;
  constructor(
    readonly name: SideName,
    private readonly store: EventStore,
  ) {}

  async listTopics(): Promise<TopicInfo[]> {
    this.reads++;
    return this.store.listTopics();
  }

  /** The topic's counters, or null when this side has no event of it. */
  async topicInfo(topic: string): Promise<TopicInfo | null> {
    this.reads++;
    try {
      return await this.store.topicInfo(topic);
    } catch (e) {
      if (hasErrorCode(e) && e.code === 'NOT_FOUND') return null;
      throw e;
    }
  }

  /** Transaction `n` of the topic (one read); its absence means the numbering has a gap. */
  async txnAt(topic: string, n: number): Promise<TxnInfo> {
    this.reads++;
    const t = (await this.store.listTxns(topic, { after: n - 1, limit: 1 })).txns[0];
    if (t?.txn !== n) {
      throw new TidemarkError(
        'CONFLICT',
        `compare: the ${this.name} store has no transaction ${n} of topic "${topic}" below its last (numbering with a gap; run tidemark verify on it)`,
      );
    }
    return t;
  }
}

function sideOf(info: TopicInfo | undefined | null): CompareSide | null {
  return info === undefined || info === null || info.maxTxn === 0 ? null : { maxTxn: info.maxTxn, head: info.head };
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new TidemarkError('CANCELLED', 'compare cancelled');
}

export async function compareStores(
  from: EventStore,
  to: EventStore,
  opts: CompareOptions = {},
): Promise<CompareReport> {
  const a = new Side('from', from);
  const b = new Side('to', to);
  const { signal, onProgress } = opts;
  checkAborted(signal);

  // Each side's counters of each topic: one list per side, or one read per named topic and side.
  let names: string[];
  const infos = new Map<string, { from: CompareSide | null; to: CompareSide | null }>();
  if (opts.topics === undefined) {
    const [la, lb] = await Promise.all([a.listTopics(), b.listTopics()]);
    for (const t of la) infos.set(t.topic, { from: sideOf(t), to: null });
    for (const t of lb) infos.set(t.topic, { from: infos.get(t.topic)?.from ?? null, to: sideOf(t) });
    names = [...infos.keys()].sort();
  } else {
    names = [...new Set(opts.topics.map((t, i) => validateTopic(t, `topics[${i}]`)))];
  }

  const topics: TopicComparison[] = [];
  for (const [i, topic] of names.entries()) {
    checkAborted(signal);
    onProgress?.({ done: i, total: names.length, unit: 'topics', phase: topic });
    const before = { from: a.reads, to: b.reads };
    let pair = infos.get(topic);
    if (pair === undefined) {
      const [ia, ib] = await Promise.all([a.topicInfo(topic), b.topicInfo(topic)]);
      pair = { from: sideOf(ia), to: sideOf(ib) };
    }
    const c = await compareTopic(topic, pair.from, pair.to, a, b, signal);
    c.reads = { from: a.reads - before.from, to: b.reads - before.to };
    topics.push(c);
  }
  onProgress?.({ done: names.length, total: names.length, unit: 'topics', phase: 'done' });
  return { equal: topics.every((t) => t.result === 'equal'), topics, reads: { from: a.reads, to: b.reads } };
}

async function compareTopic(
  topic: string,
  from: CompareSide | null,
  to: CompareSide | null,
  a: Side,
  b: Side,
  signal: AbortSignal | undefined,
): Promise<TopicComparison> {
  // `topic` and `result` first: the order NDJSON lines show them in.
  const result = (r: TopicComparison['result'], fields: Partial<TopicComparison>): TopicComparison => ({
    topic,
    result: r,
    from,
    to,
    side: null,
    aheadBy: 0,
    common: 0,
    firstDiff: null,
    reads: { from: 0, to: 0 },
    ...fields,
  });
  if (from === null || to === null) {
    return result('missing', { side: from === null ? (to === null ? 'both' : 'from') : 'to' });
  }
  if (from.head === to.head && from.maxTxn === to.maxTxn) return result('equal', { common: from.maxTxn });

  // The chains at the shorter log's last transaction: one side's head, the other's a read.
  const m = Math.min(from.maxTxn, to.maxTxn);
  const chainAt = async (side: Side, s: CompareSide, n: number): Promise<{ chain: string; info: TxnInfo | null }> => {
    checkAborted(signal);
    if (n === s.maxTxn && s.head !== null) return { chain: s.head, info: null };
    const info = await side.txnAt(topic, n);
    return { chain: info.chain, info };
  };
  const [ca, cb] = await Promise.all([chainAt(a, from, m), chainAt(b, to, m)]);
  if (ca.chain === cb.chain) {
    const ahead: SideName = from.maxTxn > to.maxTxn ? 'from' : 'to';
    return result('prefix', { side: ahead, aheadBy: Math.abs(from.maxTxn - to.maxTxn), common: m });
  }

  // Bisection: the chains are equal at `lo` (0: both start from the genesis) and differ at `hi`.
  let lo = 0;
  let hi = m;
  let atHi: [TxnInfo | null, TxnInfo | null] = [ca.info, cb.info];
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const [ta, tb] = await Promise.all([a.txnAt(topic, mid), b.txnAt(topic, mid)]);
    checkAborted(signal);
    if (ta.chain === tb.chain) lo = mid;
    else {
      hi = mid;
      atHi = [ta, tb];
    }
  }
  // The first differing transaction as each side has it (read now where only its head was known).
  const [fa, fb] = await Promise.all([atHi[0] ?? a.txnAt(topic, hi), atHi[1] ?? b.txnAt(topic, hi)]);
  return result('diverged', { common: hi - 1, firstDiff: { txn: hi, from: fa, to: fb } });
}
