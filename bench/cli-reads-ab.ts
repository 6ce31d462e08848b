/**
 * The CLI's page-after-page readers over HTTP, A/B (docs/bench.md, "Reads (issue 14)", fifth pass):
 * tree A (a git worktree, e.g. main) against tree B (default: this tree), each its own built
 * `bin/tidemark.mjs` (run `node scripts/build-lib.mjs` in both first). One `tidemark serve` (tree
 * B's) serves the SQLite file; every sample runs one tree's CLI as a child process and times it
 * wall to wall, pairs alternating their order (A,B then B,A) so drift and load hit both alike:
 *
 * - `read`: `tidemark read --topic T --all --url <server>` to /dev/null;
 * - `txns`, `surface`: `tidemark txns|surface --topic T --all --url <server>` to /dev/null (sixth
 *   pass: their pages read ahead too; seed `seed-many` for a topic with many of both);
 * - `copy`: `tidemark copy --from <server> --to <fresh file> --no-progress`;
 * - `copy-file`: the same copy from the file itself (no HTTP: the source's reads page by page).
 *
 *   npx tsx bench/cli-reads-ab.ts seed FILE.db       # topic `big`: 200,000 events, 20 per txn, a marker
 *   npx tsx bench/cli-reads-ab.ts seed-many FILE.db  # topic `many`: 300,000 txns of 1 event, each its own key
 *   npx tsx bench/cli-reads-ab.ts read /work/wt/before FILE.db [TOPIC]
 *
 * Prints each sample, the load (`/proc/loadavg`) before and after, the medians and each pair's
 * ratio B/A. Environment: PAIRS (default 5).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

if (process.argv[2] === 'seed') {
  const { openSqliteStore } = await import('../src-core/store/sqlite/index');
  const s = openSqliteStore(process.argv[3]!);
  for (let n = 0; n < 200_000;) {
    const txns = [];
    for (let t = 0; t < 100; t++) {
      const events = [];
      for (let j = 0; j < 20; j++, n++) {
        events.push({ key: `k${n % 5000}`, type: 'set', data: { n, name: `item ${n}`, tags: ['a', 'b'], v: n * 1.5 } });
      }
      txns.push({ topic: 'big', events });
    }
    await s.appendBatch(txns);
  }
  await s.invalidate('big', 7, 'a marker in the middle');
  await s.close();
  process.exit(0);
}

if (process.argv[2] === 'seed-many') {
  const { openSqliteStore } = await import('../src-core/store/sqlite/index');
  const s = openSqliteStore(process.argv[3]!);
  for (let n = 0; n < 300_000;) {
    const txns = [];
    for (let t = 0; t < 1000; t++, n++) {
      const key = `customer/${String(n % 1000).padStart(4, '0')}/${n}`;
      txns.push({ topic: 'many', events: [{ key, data: { n, name: `item ${n}`, v: n * 1.5 } }] });
    }
    await s.appendBatch(txns);
  }
  await s.invalidate('many', 7, 'a marker in the middle');
  await s.close();
  process.exit(0);
}

const [what, treeA, file, topic = 'big'] = process.argv.slice(2);
const treeB = resolve(import.meta.dirname, '..');
if (!what || !['read', 'txns', 'surface', 'copy', 'copy-file'].includes(what) || !treeA || !file) {
  console.error('usage: npx tsx bench/cli-reads-ab.ts read|txns|surface|copy|copy-file TREE_A FILE.db [TOPIC]');
  process.exit(2);
}
const pairs = Number(process.env.PAIRS ?? 5);
const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function startServe(): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [join(treeB, 'bin/tidemark.mjs'), 'serve', '--db', file!, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((res, rej) => {
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /http:\/\/[0-9.]+:\d+/.exec(out);
      if (m) res({ proc, url: m[0] });
    });
    proc.once('exit', () => rej(new Error(`serve exited: ${out}`)));
  });
}

function timed(tree: string, args: string[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(tree, 'bin/tidemark.mjs'), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((res, rej) =>
    child.once('exit', (code) =>
      code === 0
        ? res(Number(process.hrtime.bigint() - t0) / 1e6)
        : rej(new Error(`${args.join(' ')}: ${code} ${err}`)),
    ),
  );
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const served = what === 'copy-file' ? null : await startServe();
const dir = mkdtempSync(join(tmpdir(), 'cli-reads-ab-'));
let n = 0;
const sample = async (tree: string): Promise<number> => {
  if (what === 'read' || what === 'txns' || what === 'surface') {
    return timed(tree, [what, '--topic', topic, '--all', '--url', served!.url]);
  }
  const to = join(dir, `t${n++}.db`);
  const from = what === 'copy' ? served!.url : file;
  const ms = await timed(tree, ['copy', '--from', from, '--to', to, '--topic', topic, '--no-progress']);
  rmSync(to, { force: true });
  rmSync(`${to}-wal`, { force: true });
  rmSync(`${to}-shm`, { force: true });
  return ms;
};
try {
  console.log(`${what} ${topic}: A ${treeA}, B ${treeB}; load before ${load()}`);
  await sample(treeB); // warm the server and the page cache
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const);
    for (const side of order) (side === 'A' ? a : b).push(await sample(side === 'A' ? treeA : treeB));
    console.log(
      `pair ${i + 1} (${order.join(',')}): A ${a[i]!.toFixed(0)} ms, B ${b[i]!.toFixed(0)} ms, B/A ${(b[i]! / a[i]!).toFixed(2)}`,
    );
  }
  const ratios = a.map((x, i) => b[i]! / x);
  console.log(
    `median A ${median(a).toFixed(0)} ms, B ${median(b).toFixed(0)} ms; median pair ratio B/A ${median(ratios).toFixed(2)} (${ratios.map((r) => r.toFixed(2)).join(' ')}); load after ${load()}`,
  );
} finally {
  served?.proc.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
