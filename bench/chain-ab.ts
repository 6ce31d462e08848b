/**
 * The hash chain's write cost, A/B (docs/bench.md, "The hash chain"): CPU time per event, the tree
 * given (the previous main, checked out in a git worktree) against this one, alternating runs,
 * medians. Modes:
 * - `ordered`: `appendBatch` on a fresh SQLite file in this process, 1,000 one-event transactions
 *   per call (the ordered writer's shape as it coalesces into /v1/batch);
 * - `batched`: the same with 10 transactions of 1,000 events per call;
 * - `http`: the server's CPU per event under the ordered writer, as `npm run bench -- http` measures
 *   it: each run starts that tree's bench/http-server.ts (a real `tidemark serve` over a fresh
 *   SQLite file) in a child process and writes one-event transactions to it with this tree's
 *   OrderedWriter (the same client for both trees).
 *
 *   git worktree add /tmp/base <previous-main> && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *   npx tsx bench/chain-ab.ts /tmp/base ordered    # or: batched, http; RUNS=9 for more runs
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BatchTxn } from '../src-core/model/types';
import { OrderedWriter } from '../src-core/store/http/index';
import type { EventStore } from '../src-core/store/types';
import { tradeEvent } from './util';

type Open = (file: string) => EventStore;
type Run = () => Promise<number>;

const base = process.argv[2];
const modeArg = process.argv[3] ?? 'ordered';
if (base === undefined || !['ordered', 'batched', 'http'].includes(modeArg)) {
  throw new Error('usage: tsx bench/chain-ab.ts BASE_TREE ordered|batched|http');
}
const mode = modeArg as 'ordered' | 'batched' | 'http';
const RUNS = Number(process.env.RUNS ?? 7);
const perTxn = mode === 'batched' ? 1000 : 1;
const txnsPerCall = mode === 'batched' ? 10 : 1000;
const CALLS = 20;
const HTTP_EVENTS = 60_000;
const HTTP_KEYS = 20_000;

async function load(root: string): Promise<Open> {
  const mod = (await import(join(resolve(root), 'src-core/store/sqlite/index.ts'))) as { openSqliteStore: Open };
  return mod.openSqliteStore;
}

/** One in-process run: CPU µs per event of `appendBatch` after a warm-up. */
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

/** Writes `count` one-event transactions through the ordered writer, a bounded number outstanding. */
async function ordered(url: string, topic: string, count: number): Promise<void> {
  const w = new OrderedWriter({ url });
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    pending.push(w.append(topic, { events: [tradeEvent(i, HTTP_KEYS)] }));
    if (pending.length >= 20_000) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

/** One HTTP run against `root`'s server in a child process: its CPU µs per event. */
async function httpOnce(root: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-chain-ab-'));
  const script = join(resolve(root), 'bench/http-server.ts');
  const proc = spawn(process.execPath, ['--import', 'tsx', script, 'tidemark', join(dir, 's.db')], {
    cwd: resolve(root),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout.setEncoding('utf8');
  try {
    const url = await new Promise<string>((ok, fail) => {
      proc.stdout.on('data', (d: string) => {
        out += d;
        const m = /listening on (\S+)\n/.exec(out);
        if (m) ok(m[1]!);
      });
      proc.once('exit', (code) => fail(new Error(`server exited (${code}) before listening`)));
    });
    await ordered(url, 'warm', 5_000);
    proc.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 100));
    await ordered(url, 'bench.writer', HTTP_EVENTS);
    const cpu = await new Promise<{ userMs: number; systemMs: number }>((ok, fail) => {
      proc.once('exit', () => {
        const m = /^cpu (\{.*\})$/m.exec(out);
        if (m) ok(JSON.parse(m[1]!) as { userMs: number; systemMs: number });
        else fail(new Error('server printed no cpu line'));
      });
      proc.kill('SIGTERM');
    });
    return ((cpu.userMs + cpu.systemMs) * 1000) / HTTP_EVENTS;
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runner(root: string): Promise<Run> {
  if (mode === 'http') return () => httpOnce(root);
  const open = await load(root);
  return () => once(open);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const before = await runner(base);
const after = await runner('.');
const a: number[] = [];
const b: number[] = [];
for (let r = 0; r < RUNS; r++) {
  a.push(await before());
  b.push(await after());
}
const fmt = (xs: number[]): string => xs.map((x) => x.toFixed(2)).join(' ');
console.log(`${mode}: previous main µs/event ${fmt(a)} median ${median(a).toFixed(2)}`);
console.log(`${mode}: this tree     µs/event ${fmt(b)} median ${median(b).toFixed(2)}`);
console.log(`${mode}: ${((median(b) / median(a) - 1) * 100).toFixed(1)}% CPU per event`);
