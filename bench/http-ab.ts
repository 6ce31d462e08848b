/**
 * The HTTP server's own CPU per event under the ordered writer's shape, A/B (docs/bench.md, "The
 * HTTP ordered writer"): tree A (a git worktree, e.g. main) against tree B (default: this tree).
 * Each tree's `buildApp` and SQLite store are bundled with esbuild together with one shared child,
 * bench/http-ab-child.ts, which sends `POST /v1/batch` bodies of 10,000 one-event transactions
 * through Fastify's `inject` (no socket, no client in the process: the body reader, the route,
 * prepare, the store's write and the reply). Two measures, as bench/chain-ab.ts:
 *
 * - `cpu`: every sample a fresh child of one tree, pairs alternating their order (A,B then B,A),
 *   CPU read inside the child around the measured requests; prints each pair's ratio B/A and the
 *   order-balanced median with a bootstrap 95% interval.
 * - `grind`: instructions under valgrind's callgrind, CALLS and 2×CALLS measured bodies, the
 *   difference per event (start-up, module loading and warm-up cancelled); V8 single-threaded and
 *   predictable with fixed seeds. Does not see the kernel (the WAL's writes and fsyncs).
 *
 *   npx tsx bench/http-ab.ts cpu /work/wt/before            # B defaults to this tree
 *   npx tsx bench/http-ab.ts grind /work/wt/before
 *
 * With STORE=prepare the store is a stand-in that only runs the tree's `prepareBatch` and answers
 * numbers (no SQLite): the server's own JavaScript, where a small change is not lost in the write.
 *
 * Environment: PAIRS (cpu, default 10, rounded up to even), HTTP_AB_KEYS (keys the events spread
 * over, default 20,000; the `http` bench section's writer uses 100,000), CALLS (cpu default 10, grind 3),
 * WARM (cpu default 3, grind 6), REPS (grind, default 1), GRIND_OUT (keep callgrind's files),
 * NODE_EXTRA (extra node flags for both trees' children, e.g. `--max-semi-space-size=64`),
 * NODE_EXTRA_B (extra node flags for tree B's children only).
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NODE_FLAGS, abWorkspace, balanced, bootstrap, bundleEntry, callgrind, f2, pct, resultOf, run } from './ab';
import type { HttpChildResult } from './http-ab-child';
import { median } from './util';

const [measureArg, treeA, treeB = '.'] = process.argv.slice(2);
if ((measureArg !== 'cpu' && measureArg !== 'grind') || treeA === undefined) {
  throw new Error('usage: tsx bench/http-ab.ts cpu|grind TREE_A [TREE_B]');
}
const grind = measureArg === 'grind';
const num = (name: string, dflt: number): number => Number(process.env[name] ?? dflt);
const PAIRS = 2 * Math.ceil(num('PAIRS', 10) / 2);
const CALLS = num('CALLS', grind ? 3 : 10);
const WARM = num('WARM', grind ? 6 : 3);
const REPS = num('REPS', 1);
/** `sqlite` (default): the tree's SQLite store; `prepare`: a store that only runs the tree's `prepareBatch`. */
const STORE = process.env.STORE ?? 'sqlite';
const flags = (v: string | undefined): string[] => (v ?? '').split(' ').filter((f) => f !== '');
const EXTRA = flags(process.env.NODE_EXTRA);
const EXTRA_B = flags(process.env.NODE_EXTRA_B);

const work = abWorkspace('tidemark-http-ab-run-');

/** Bundles the child with `root`'s app and SQLite store into one ES module. */
async function bundle(root: string, name: string): Promise<string> {
  const at = (p: string): string => JSON.stringify(join(resolve(root), p));
  const child = JSON.stringify(resolve('bench/http-ab-child.ts'));
  return bundleEntry(
    work,
    name,
    STORE === 'prepare'
      ? `import { prepareBatch } from ${at('src-core/store/prepare.ts')};\n` +
          `import { buildApp } from ${at('src-core/server/app.ts')};\n` +
          `import { preparingStore, runHttpChild } from ${child};\n` +
          'await runHttpChild(() => preparingStore(prepareBatch), (store) => buildApp({ store }));\n'
      : `import { openSqliteStore } from ${at('src-core/store/sqlite/index.ts')};\n` +
          `import { buildApp } from ${at('src-core/server/app.ts')};\n` +
          `import { runHttpChild } from ${child};\n` +
          'await runHttpChild(openSqliteStore, (store) => buildApp({ store }));\n',
  );
}

type Sample = [cpu: number, user: number];

async function cpuSample(js: string, extra: string[]): Promise<Sample> {
  const r = resultOf<HttpChildResult>(
    await run(process.execPath, [...EXTRA, ...extra, js, String(CALLS), String(WARM)]),
  );
  return [r.cpuUs / r.events, r.userUs / r.events];
}

async function instructions(js: string, extra: string[], calls: number, tag: string): Promise<[number, number]> {
  const file = join(process.env.GRIND_OUT ?? work, `callgrind.http.${tag}.out`);
  const [ir, out] = await callgrind(file, [
    process.execPath,
    ...NODE_FLAGS,
    ...EXTRA,
    ...extra,
    js,
    String(calls),
    String(WARM),
  ]);
  return [ir, resultOf<HttpChildResult>(out).events];
}

async function irPerEvent(js: string, extra: string[], tag: string): Promise<number> {
  const [ir1, ev1] = await instructions(js, extra, CALLS, `${tag}.1`);
  const [ir2, ev2] = await instructions(js, extra, 2 * CALLS, `${tag}.2`);
  return (ir2 - ir1) / (ev2 - ev1);
}

console.log(`${measureArg} http (inject): A=${resolve(treeA)} B=${resolve(treeB)} ${EXTRA_B.join(' ')}`);

try {
  const [ja, jb] = [await bundle(treeA, 'a'), await bundle(treeB, 'b')];
  if (grind) {
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < REPS; r++) {
      a.push(await irPerEvent(ja, [], `a${r}`));
      b.push(await irPerEvent(jb, EXTRA_B, `b${r}`));
      console.log(
        `rep ${r + 1}: A ${Math.round(a[r]!)} B ${Math.round(b[r]!)} instructions/event, B/A ${pct(b[r]! / a[r]!)}`,
      );
    }
    console.log(
      `http: A ${Math.round(median(a))} B ${Math.round(median(b))} instructions/event, B/A ${pct(median(b) / median(a))}`,
    );
  } else {
    const a: Sample[] = [];
    const b: Sample[] = [];
    for (let p = 0; p < PAIRS; p++) {
      if (p % 2 === 0) {
        a.push(await cpuSample(ja, []));
        b.push(await cpuSample(jb, EXTRA_B));
      } else {
        b.push(await cpuSample(jb, EXTRA_B));
        a.push(await cpuSample(ja, []));
      }
      const [[ca, ua], [cb, ub]] = [a[p]!, b[p]!];
      console.log(
        `pair ${p + 1}: A ${f2(ca)} B ${f2(cb)} µs/event, B/A ${f2(cb / ca)}; user only A ${f2(ua)} B ${f2(ub)}`,
      );
    }
    const ratios = a.map((x, p) => b[p]![0] / x[0]);
    const aFirst = ratios.filter((_, p) => p % 2 === 0);
    const bFirst = ratios.filter((_, p) => p % 2 === 1);
    const [lo, hi] = bootstrap(aFirst, bFirst);
    console.log(
      `http (inject), CPU: A median ${f2(median(a.map((x) => x[0])))} µs/event, B median ${f2(median(b.map((x) => x[0])))};` +
        ` B/A ${pct(balanced(aFirst, bFirst))} (bootstrap 95% ${pct(lo)} .. ${pct(hi)}; pairs min ${pct(Math.min(...ratios))} max ${pct(Math.max(...ratios))})`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
