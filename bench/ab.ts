/**
 * What the A/B harnesses (bench/chain-ab.ts, bench/http-ab.ts) share: a scratch directory whose
 * bundles import this tree's packages, esbuild bundling of a child entry, running a child to its
 * end, its `result {...}` line, callgrind's instruction total, and the order-balanced estimate of
 * alternating pairs with its bootstrap interval (docs/bench.md, "The harness").
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { median } from './util';

/** Node flags that make a child's instruction count repeatable under callgrind. */
export const NODE_FLAGS = ['--single-threaded', '--predictable', '--random-seed=1', '--hash-seed=1'];

/** A scratch directory whose bundles import their packages (better-sqlite3) from this tree's node_modules. */
export function abWorkspace(prefix: string): string {
  const work = mkdtempSync(join(tmpdir(), prefix));
  symlinkSync(resolve('node_modules'), join(work, 'node_modules'));
  return work;
}

/** Bundles the ES module `source` (an entry importing a tree's files) into one file in `work`. */
export async function bundleEntry(work: string, name: string, source: string): Promise<string> {
  const entry = join(work, `${name}-entry.mjs`);
  writeFileSync(entry, source);
  const out = join(work, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    target: 'node20',
    logLevel: 'error',
  });
  return out;
}

/** Runs a command to its end; its stdout, or a failure with its stderr. */
export function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((ok, fail) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    p.once('error', fail);
    p.once('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`${cmd} exited ${code}: ${err.slice(-2000)}`))));
  });
}

/** The `result {...}` line a child prints. */
export function resultOf<T>(out: string): T {
  const m = /^result (\{.*\})$/m.exec(out);
  if (!m) throw new Error(`child printed no result: ${out.slice(-500)}`);
  return JSON.parse(m[1]!) as T;
}

/** Runs `args` (node and its arguments) under callgrind into `file`: the total instructions and the child's stdout. */
export async function callgrind(file: string, args: string[]): Promise<[instructions: number, out: string]> {
  const out = await run('valgrind', [
    '--tool=callgrind',
    `--callgrind-out-file=${file}`,
    '--smc-check=all-non-file',
    ...args,
  ]);
  const m = /^(?:summary|totals): (\d+)/m.exec(readFileSync(file, 'utf8'));
  if (!m) throw new Error(`no total in ${file}`);
  return [Number(m[1]), out];
}

/**
 * The order-balanced ratio of pair ratios: the geometric mean of the median over the pairs that
 * ran A first and the median over those that ran B first, so an effect of running second in a
 * pair (seen here: about 2% faster) cancels instead of favouring whichever tree ran second more often.
 */
export function balanced(aFirst: number[], bFirst: number[]): number {
  return Math.sqrt(median(aFirst) * median(bFirst));
}

/** A bootstrap 95% interval of `balanced` (each group resampled; a fixed seed: reproducible). */
export function bootstrap(aFirst: number[], bFirst: number[]): [number, number] {
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = (xs: number[]): number[] => xs.map(() => xs[Math.floor(rnd() * xs.length)]!);
  const est: number[] = [];
  for (let i = 0; i < 4000; i++) est.push(balanced(pick(aFirst), pick(bFirst)));
  est.sort((a, b) => a - b);
  return [est[Math.floor(0.025 * est.length)]!, est[Math.floor(0.975 * est.length)]!];
}

export const f2 = (x: number): string => x.toFixed(2);
export const pct = (r: number): string => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)}%`;
