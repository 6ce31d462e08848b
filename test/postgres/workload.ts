/**
 * A reproducible write workload for the concurrency and fault tests: `writers` concurrent loops,
 * each sending `txnsPerWriter` transactions of 1-5 events over a few overlapping topics and a small
 * key space with few distinct values (so concurrent writers collide on topics, keys and content and
 * de-duplication is exercised). Each loop records what was acknowledged and what failed, and the
 * next transaction of a loop is sent only after the previous one was answered.
 */
import type { AppendResponse, EventInput } from '../../src-core/model/types';
import type { AckedTxn } from './checker';

export interface TxnToWrite {
  topic: string;
  events: EventInput[];
}

export interface WorkloadOptions {
  writers: number;
  txnsPerWriter: number;
  topics: string[];
  keys?: number;
  values?: number;
  seed?: number;
}

export interface Failure {
  writer: number;
  error: unknown;
}

export interface WorkloadResult {
  acked: AckedTxn[];
  failures: Failure[];
}

/** mulberry32: a tiny seeded PRNG, so a failing run can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomTxn(rand: () => number, o: WorkloadOptions): TxnToWrite {
  const pick = (n: number): number => Math.floor(rand() * n);
  const topic = o.topics[pick(o.topics.length)]!;
  const n = 1 + pick(5);
  const events: EventInput[] = [];
  for (let i = 0; i < n; i++) {
    const v = pick(o.values ?? 3);
    events.push({ key: `k${pick(o.keys ?? 12)}`, data: v === 0 && rand() < 0.3 ? null : { v, w: `x${v}` } });
  }
  return { topic, events };
}

/**
 * Runs the workload; `write(writer, txn)` sends one transaction and resolves with its response
 * (or rejects: recorded as a failure, and the loop goes on with its next transaction).
 */
export async function runWorkload(
  o: WorkloadOptions,
  write: (writer: number, txn: TxnToWrite) => Promise<AppendResponse>,
): Promise<WorkloadResult> {
  const acked: AckedTxn[] = [];
  const failures: Failure[] = [];
  const seed = o.seed ?? 12345;
  await Promise.all(
    Array.from({ length: o.writers }, async (_, w) => {
      const rand = rng(seed + w * 7919);
      for (let i = 0; i < o.txnsPerWriter; i++) {
        const txn = randomTxn(rand, o);
        try {
          const response = await write(w, txn);
          acked.push({ ...txn, response });
        } catch (error) {
          failures.push({ writer: w, error });
        }
      }
    }),
  );
  return { acked, failures };
}
