/**
 * The reference script scripts/verify-chain.py (docs/integrity.md) against a real SQLite store:
 * a log with unicode keys, nested data and awkward numbers, a tombstone, a content type, a
 * writer's hash, meta and by, and an invalidation marker is exported with the CLI (`tidemark
 * txns` and `tidemark read`, NDJSON) and the script, run with python3, recomputes every stored
 * chain; a changed data byte in the export is reported at its transaction. The script's number
 * writer is also checked against JSON.stringify for numbers a legacy store may hold (1e21, 5e-324).
 * Skipped, with the reason printed, where python3 is missing.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src-core/store/sqlite';
import { ROOT, runCli, tempDir } from '../cli/helpers';
import { cleanupsAfterEach } from '../cleanups';

const SCRIPT = join(ROOT, 'scripts/verify-chain.py');
const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const hasPython = python.status === 0;
if (!hasPython)
  console.warn('verify-chain.py test skipped: python3 is not installed (needed to run the reference script)');

const cleanups = cleanupsAfterEach();

function runScript(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('python3', [SCRIPT, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!hasPython)('scripts/verify-chain.py (python3)', () => {
  it('recomputes every chain of a real store from its CLI export, and names the first mismatch', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = join(dir, 'store.db');
    const store = openSqliteStore(db);
    let chains: string[];
    try {
      await store.append('t', {
        events: [
          {
            key: 'ä/ключ/😀',
            data: {
              z: [0.1, -0, 1.5e-7, 2.5e-300, 9007199254740991, -12.75],
              a: { é: 'q"\\\n\u0001', '😀': 1, '｡': 2 },
            },
          },
          { key: 'plain', data: 'text', contentType: 'text/plain' },
        ],
        meta: { job: 'nightly', rows: [1, { b: 2, a: null }] },
        by: 'loader',
      });
      await store.append('t', {
        events: [
          { key: 'plain', data: null },
          { key: 'deep', data: [[[[{ x: [] }]]]] },
        ],
      });
      await store.invalidate('t', 2, 'wrong drop — ünïcode', { by: 'auditor' });
      await store.append('t', { events: [{ key: 'w', data: true, hash: 'cd'.repeat(32) }], by: 'x' });
      await store.append('t', { events: [{ key: 'z', data: {} }], meta: {} });
      chains = (await store.listTxns('t')).txns.map((x) => x.chain);
    } finally {
      await store.close();
    }
    const txns = await runCli(['txns', '--db', db, '--topic', 't', '--all', '--format', 'ndjson']);
    const events = await runCli(['read', '--db', db, '--topic', 't', '--all', '--format', 'ndjson']);
    expect(txns.code, txns.stderr).toBe(0);
    expect(events.code, events.stderr).toBe(0);
    const txnsFile = join(dir, 'txns.ndjson');
    const eventsFile = join(dir, 'events.ndjson');
    writeFileSync(txnsFile, txns.stdout);
    writeFileSync(eventsFile, events.stdout);

    const ok = runScript(txnsFile, eventsFile);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout.trim().split('\n')).toEqual([
      ...chains.map((c, i) => `txn ${i + 1} ${c} OK`),
      `head ${chains[chains.length - 1]} OK (5 transactions, 7 events)`,
    ]);

    // One changed data byte (0.1 -> 0.2 in txn 1) is found at its transaction.
    const tampered = join(dir, 'tampered.ndjson');
    writeFileSync(tampered, events.stdout.replace('[0.1,', '[0.2,'));
    const bad = runScript(txnsFile, tampered);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^txn 1 MISMATCH chain: stored [0-9a-f]{64}, recomputed [0-9a-f]{64}$/m);
  });

  it('writes numbers as JSON.stringify does, legacy magnitudes included', () => {
    const xs = [0, -0, 0.1, 1.5e-7, 1e-6, 1e21, 1e20, 123456789012345680000, 5e-324, 1.7976931348623157e308, -3e-10];
    const expected = xs.map((x) => JSON.stringify(x));
    const code = [
      'import importlib.util, json, sys',
      `spec = importlib.util.spec_from_file_location('v', ${JSON.stringify(SCRIPT)})`,
      'v = importlib.util.module_from_spec(spec); spec.loader.exec_module(v)',
      'print(json.dumps([v.js_number(x) for x in json.loads(sys.stdin.read())]))',
    ].join('\n');
    const r = spawnSync('python3', ['-c', code], { input: JSON.stringify(xs), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(expected);
  });
});
