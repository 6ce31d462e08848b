/**
 * In-process A/B of the read-ahead of transactions and surface pages over HTTP (docs/bench.md,
 * "Reads (issue 14)", sixth pass), without the CLI's process start: one `tidemark serve` (this
 * tree's) of FILE, one HTTP store in this process, reading every page of topic `many` (seed it with
 * `npx tsx bench/cli-reads-ab.ts seed-many FILE.db`) in pages of 10,000, each row then serialised
 * (a stand-in for the CLI's printing), alternately page after page (`listTxns`/`surface` in a loop,
 * what the CLI did before) and one page ahead (`txnPages`/`surfacePages`), the order swapped every
 * pair. Prints each pair, the median ratio ahead/byPage and the load before and after.
 *
 *   npx tsx bench/pages-ahead-ab.ts txns|surface FILE.db
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { openHttpStore } from '../src-core/store/http/index';

const [what, file] = process.argv.slice(2) as ['txns' | 'surface', string];
if ((what !== 'txns' && what !== 'surface') || !file) {
  console.error('usage: npx tsx bench/pages-ahead-ab.ts txns|surface FILE.db');
  process.exit(2);
}
const proc = spawn(process.execPath, ['bin/tidemark.mjs', 'serve', '--db', file, '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((res) => {
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    const m = /http:\/\/[0-9.]+:\d+/.exec(out);
    if (m) res(m[0]);
  });
});
const store = openHttpStore({ url });
const work = (rows: unknown[]): number => {
  let n = 0;
  for (const r of rows) n += JSON.stringify(r).length;
  return n;
};
async function byPage(): Promise<number> {
  let n = 0;
  if (what === 'txns') {
    for (let after = 0; ;) {
      const p = await store.listTxns('many', { after, limit: 10000 });
      n += work(p.txns);
      if (p.next === null) return n;
      after = p.next;
    }
  }
  for (let after: string | undefined; ;) {
    const p = await store.surface('many', after === undefined ? { limit: 10000 } : { limit: 10000, after });
    n += work(p.rows);
    if (p.next === null) return n;
    after = p.next;
  }
}
async function ahead(): Promise<number> {
  let n = 0;
  if (what === 'txns') for await (const p of store.txnPages('many', { limit: 10000 })) n += work(p.txns);
  else for await (const p of store.surfacePages('many', { limit: 10000 })) n += work(p.rows);
  return n;
}
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`${what}: load ${load()}`);
await ahead();
const ra: number[] = [];
for (let i = 0; i < 10; i++) {
  const order = i % 2 ? [ahead, byPage] : [byPage, ahead];
  const t: Record<string, number> = {};
  for (const f of order) {
    const t0 = performance.now();
    await f();
    t[f.name] = performance.now() - t0;
  }
  ra.push(t.ahead! / t.byPage!);
  console.log(
    `byPage ${t.byPage!.toFixed(0)} ms, ahead ${t.ahead!.toFixed(0)} ms, ratio ${(t.ahead! / t.byPage!).toFixed(2)}`,
  );
}
ra.sort((a, b) => a - b);
console.log(`median ratio ${((ra[4]! + ra[5]!) / 2).toFixed(2)}; load ${load()}`);
await store.close();
proc.kill('SIGTERM');
