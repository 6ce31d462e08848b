/**
 * The hash chain's write cost, A/B in one process (docs/bench.md, "The hash chain"): CPU time per
 * event of `appendBatch` on a fresh SQLite file, for the ordered writer's shape (1,000 one-event
 * transactions per call, as it coalesces into /v1/batch) or batched append (10 transactions of
 * 1,000 events per call), alternating the tree given (the previous main, checked out in a git
 * worktree) and this one, 7 runs each, medians.
 *
 *   git worktree add /tmp/base <previous-main> && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *   npx tsx bench/chain-ab.ts /tmp/base ordered    # or: batched
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BatchTxn } from '../src-core/model/types';
import type { EventStore } from '../src-core/store/types';

type Open = (file: string) => EventStore;

const base = process.argv[2];
const mode = process.argv[3] === 'batched' ? 'batched' : 'ordered';
if (base === undefined) throw new Error('usage: tsx bench/chain-ab.ts BASE_TREE [ordered|batched]');
const perTxn = mode === 'batched' ? 1000 : 1;
const txnsPerCall = mode === 'batched' ? 10 : 1000;
const CALLS = 20;
const RUNS = 7;

async function load(root: string): Promise<Open> {
  const mod = (await import(join(resolve(root), 'src-core/store/sqlite/index.ts'))) as { openSqliteStore: Open };
  return mod.openSqliteStore;
}

async function once(open: Open): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-chain-ab-'));
  const store = open(join(dir, 's.db'));
  let k = 0;
  const batch = (): BatchTxn[] =>
    Array.from({ length: txnsPerCall }, () => ({
      topic: 't',
      events: Array.from({ length: perTxn }, () => {
        k++;
        return { key: `k${k % 200000}`, data: { id: k, px: '100.25', qty: k % 97, side: 'buy', tags: ['a', 'b'] } };
      }),
    }));
  try {
    for (let i = 0; i < 3; i++) await store.appendBatch(batch());
    let cpu = 0;
    for (let i = 0; i < CALLS; i++) {
      const b = batch();
      const c0 = process.cpuUsage();
      await store.appendBatch(b);
      const c = process.cpuUsage(c0);
      cpu += c.user + c.system;
    }
    return cpu / (CALLS * perTxn * txnsPerCall);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const before = await load(base);
const after = await load('.');
const a: number[] = [];
const b: number[] = [];
for (let r = 0; r < RUNS; r++) {
  a.push(await once(before));
  b.push(await once(after));
}
const fmt = (xs: number[]): string => xs.map((x) => x.toFixed(2)).join(' ');
console.log(`${mode}: previous main µs/event ${fmt(a)} median ${median(a).toFixed(2)}`);
console.log(`${mode}: this tree     µs/event ${fmt(b)} median ${median(b).toFixed(2)}`);
console.log(`${mode}: ${((median(b) / median(a) - 1) * 100).toFixed(1)}% CPU per event`);
