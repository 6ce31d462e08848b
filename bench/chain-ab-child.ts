/**
 * One sample of bench/chain-ab.ts, run in a fresh child process per sample: `appendBatch` on a
 * fresh SQLite file with the store of the tree under test (`open`, bundled with this file by the
 * parent), WARM calls of warm-up, then CALLS measured calls; prints one line
 * `result {"cpuUs":…,"userUs":…,"events":…,"wallMs":…}` with the CPU time (user + system) of this process
 * over the measured calls only. Only the store module differs between the trees: the events, the
 * loop and the measurement are this file's, the same for both sides.
 *
 *   ordered: 1,000 one-event transactions per call (the ordered writer's shape as it coalesces into
 *            /v1/batch); batched: 10 transactions of 1,000 events per call; engine: one transaction of
 *            1,000 events per call over 100,000 spread keys (the engine section's 1,000 events/txn shape:
 *            the tail is applied by every ninth call).
 *
 * Arguments (after the script): MODE CALLS WARM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchTxn } from '../src-core/model/types';
import type { EventStore } from '../src-core/store/types';

export type ChildMode = 'ordered' | 'batched' | 'engine';

export interface ChildResult {
  cpuUs: number;
  /** The user-mode part of cpuUs (the rest is the kernel's: the WAL's writes and fsyncs). */
  userUs: number;
  events: number;
  wallMs: number;
}

/** Transactions per call and events per transaction of a mode. */
export function shapeOf(mode: ChildMode): { txnsPerCall: number; perTxn: number } {
  if (mode === 'engine') return { txnsPerCall: 1, perTxn: 1000 };
  return mode === 'batched' ? { txnsPerCall: 10, perTxn: 1000 } : { txnsPerCall: 1000, perTxn: 1 };
}

export async function runChild(open: (file: string) => EventStore): Promise<void> {
  const [modeArg, callsArg, warmArg] = process.argv.slice(2);
  if (modeArg !== 'ordered' && modeArg !== 'batched' && modeArg !== 'engine')
    throw new Error(`chain-ab child: unknown mode ${modeArg}`);
  const calls = Number(callsArg);
  const warm = Number(warmArg);
  const { txnsPerCall, perTxn } = shapeOf(modeArg);
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-chain-ab-'));
  const store = open(join(dir, 's.db'));
  let k = 0;
  const batch = (): BatchTxn[] =>
    Array.from({ length: txnsPerCall }, () => ({
      topic: 't',
      events: Array.from({ length: perTxn }, () => {
        k++;
        // The engine's keys are spread over 100,000 (7919 is prime: consecutive events hit spread keys).
        const key = modeArg === 'engine' ? `k${(k * 7919) % 100000}` : `k${k % 200000}`;
        return { key, data: { id: k, px: '100.25', qty: k % 97, side: 'buy', tags: ['a', 'b'] } };
      }),
    }));
  try {
    for (let i = 0; i < warm; i++) await store.appendBatch(batch());
    let cpu = 0;
    let user = 0;
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) {
      const b = batch(); // building the input is not measured
      const c0 = process.cpuUsage();
      await store.appendBatch(b);
      const c = process.cpuUsage(c0);
      cpu += c.user + c.system;
      user += c.user;
    }
    const result: ChildResult = {
      cpuUs: cpu,
      userUs: user,
      events: calls * txnsPerCall * perTxn,
      wallMs: performance.now() - t0,
    };
    process.stdout.write(`result ${JSON.stringify(result)}\n`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
