/**
 * `tidemark copy` end to end with the real CLI, real SQLite files, a real PostgreSQL schema (its
 * own, dropped after) and a real `tidemark serve`: SQLite -> PostgreSQL -> server -> SQLite leaves
 * heads equal and logs identical (every event and every TxnInfo deep-equal); a second run imports
 * nothing; a value PostgreSQL cannot hold (a NUL in a key, put underneath a SQLite file with its
 * chain recomputed) is reported by the preflight with nothing written, while a SQLite target takes
 * it; a copy killed with SIGKILL part-way resumes and loses and duplicates nothing; `--follow`
 * under a concurrent writer (appends and invalidations) ends with equal heads on SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chainOfRead } from '../../src-core/store/chain';
import { openPostgresStore } from '../../src-core/store/postgres/index';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { PG_URL, dropSchema, uniqueName } from '../postgres/pg-helpers';
import { BIN, ROOT, logOf, parseLines, runCli, tempDir, useServedStore } from './helpers';

const SCHEMA = uniqueName('copy_test');
const home = tempDir();
const served = useServedStore([]);

afterAll(async () => {
  await dropSchema(SCHEMA);
  home.cleanup();
});

async function fill(file: string): Promise<void> {
  const s = openSqliteStore(file);
  for (let i = 1; i <= 20; i++) {
    await s.append('orders', {
      events: [
        { key: `o${i % 7}`, data: i % 5 === 0 ? null : { i, note: 'é😀' } },
        { key: 'doc', data: `v${i}`, contentType: 'text/plain' },
      ],
      meta: { batch: i },
      by: i % 2 === 0 ? 'loader' : null,
    });
  }
  await s.invalidate('orders', 3, 'bad batch', { by: 'auditor' });
  await s.append('fx', { events: [{ key: 'EUR', data: 1.1, hash: 'ab'.repeat(32) }] });
  await s.invalidate('orders', 7, 'again');
  await s.append('orders', { events: [{ key: 'o1', data: 'after' }] });
  await s.close();
}

describe('tidemark copy', () => {
  it('SQLite -> PostgreSQL -> server -> SQLite: heads equal, logs identical; a rerun imports nothing', async () => {
    const a = join(home.dir, 'a.db');
    const d = join(home.dir, 'd.db');
    await fill(a);
    const hops: string[][] = [
      ['--from', a, '--to', PG_URL, '--to-pg-schema', SCHEMA],
      ['--from', PG_URL, '--from-pg-schema', SCHEMA, '--to', served.url],
      ['--from', served.url, '--to', d],
    ];
    for (const hop of hops) {
      const r = await runCli(['copy', ...hop, '--format', 'ndjson', '--no-progress']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const rows = parseLines(r.stdout) as { topic: string; equal: boolean; imported: number }[];
      expect(rows.map((x) => [x.topic, x.equal])).toEqual([
        ['fx', true],
        ['orders', true],
      ]);
    }
    const src = openSqliteStore(a, { readonly: true });
    const dst = openSqliteStore(d, { readonly: true });
    const mid = await openPostgresStore({ url: PG_URL, schema: SCHEMA });
    try {
      const want = await logOf(src);
      expect(Object.keys(want)).toEqual(['fx', 'orders']);
      expect(await logOf(dst)).toEqual(want);
      expect(await logOf(mid)).toEqual(want);
      expect((await dst.topicInfo('orders')).head).toBe((await src.topicInfo('orders')).head);
    } finally {
      await src.close();
      await dst.close();
      await mid.close();
    }
    const again = await runCli(['copy', '--from', a, '--to', d, '--format', 'ndjson', '--no-progress']);
    expect(again.code).toBe(0);
    expect((parseLines(again.stdout) as { imported: number }[]).map((x) => x.imported)).toEqual([0, 0]);
  });

  it('reports a value PostgreSQL cannot hold before writing anything; a SQLite target takes it', async () => {
    const file = join(home.dir, 'legacy.db');
    const s = openSqliteStore(file);
    await s.append('leg', { events: [{ key: 'fine', data: 1 }] });
    await s.append('leg', { events: [{ key: 'aXb', data: 2 }] });
    await s.close();
    // Underneath the store: a key with NUL, as written before the rule existed, chain recomputed.
    const raw = openSqliteStore(file);
    const db = raw.database;
    db.prepare("UPDATE events SET key = 'a' || char(0) || 'b' WHERE key = 'aXb'").run();
    db.prepare("UPDATE heads SET key = 'a' || char(0) || 'b' WHERE key = 'aXb'").run();
    const t1 = await raw.getTxn('leg', 1);
    const t2 = await raw.getTxn('leg', 2);
    const chain = chainOfRead(t1.chain, t2, t2.events);
    db.prepare('UPDATE txns SET chain = ? WHERE txn = 2').run(chain);
    db.prepare('UPDATE topics SET head = ?').run(chain);
    await raw.close();
    const schema = `${SCHEMA}_leg`;
    const r = await runCli(['copy', '--from', file, '--to', PG_URL, '--to-pg-schema', schema, '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot hold 1 value\(s\).*txn 2, seq 2, key "a\\u0000b".*nothing was written/);
    expect(parseLines(r.stdout)).toEqual([
      { topic: 'leg', txn: 2, seq: 2, key: 'a\u0000b', field: 'key', problem: expect.stringMatching(/NUL/) as unknown },
    ]);
    const pgStore = await openPostgresStore({ url: PG_URL, schema });
    try {
      expect(await pgStore.listTopics()).toEqual([]);
    } finally {
      await pgStore.close();
      await dropSchema(schema);
    }
    const ok = await runCli(['copy', '--from', file, '--to', join(home.dir, 'legacy2.db'), '--no-progress']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
  });

  it('resumes a copy killed with SIGKILL part-way, losing and duplicating nothing', async () => {
    const file = join(home.dir, 'big.db');
    const target = join(home.dir, 'big-copy.db');
    const s = openSqliteStore(file);
    const TXNS = 30_000;
    for (let i = 0; i < TXNS; i += 1000) {
      const txns = Array.from({ length: 1000 }, (_, j) => ({
        topic: 'big',
        events: [{ key: `k${(i + j) % 500}`, data: i + j }],
      }));
      const r = await s.appendBatch(txns);
      expect(r.error).toBeNull();
    }
    await s.close();
    const child = spawn(process.execPath, [BIN, 'copy', '--from', file, '--to', target, '--no-progress'], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    let copied = 0;
    while (copied === 0) {
      await new Promise((r) => setTimeout(r, 20));
      try {
        const peek = openSqliteStore(target, { readonly: true });
        copied = (await peek.listTopics())[0]?.maxTxn ?? 0;
        await peek.close();
      } catch {
        copied = 0;
      }
    }
    child.kill('SIGKILL');
    await exited;
    const mid = openSqliteStore(target, { readonly: true });
    const at = (await mid.topicInfo('big')).maxTxn;
    await mid.close();
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(TXNS);
    const r = await runCli(['copy', '--from', file, '--to', target, '--format', 'ndjson', '--no-progress']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(parseLines(r.stdout)).toMatchObject([{ topic: 'big', resumedAfter: at, imported: TXNS - at, equal: true }]);
    const a = openSqliteStore(file, { readonly: true });
    const b = openSqliteStore(target, { readonly: true });
    try {
      expect(await logOf(b)).toEqual(await logOf(a));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('--follow keeps the target in step under a concurrent writer and stops cleanly on SIGTERM', async () => {
    const file = join(home.dir, 'live.db');
    const target = join(home.dir, 'live-copy.db');
    const s = openSqliteStore(file);
    await s.append('live', { events: [{ key: 'a', data: 0 }] });
    const child: ChildProcess = spawn(
      process.execPath,
      [BIN, 'copy', '--from', file, '--to', target, '--follow', '--format', 'ndjson', '--no-progress'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    while (!stderr.includes('following')) await new Promise((r) => setTimeout(r, 20));
    for (let i = 1; i <= 60; i++) {
      await s.append(i % 10 === 0 ? 'other' : 'live', { events: [{ key: `k${i % 4}`, data: i }] });
      if (i % 15 === 0) await s.invalidate('live', i - 3, `bad ${i}`);
    }
    const want = await logOf(s);
    // Wait until the replica has the source's heads (no deadline: it must get there), then stop it.
    const srcHeads = JSON.stringify((await s.listTopics()).map((t) => [t.topic, t.head]));
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      const peek = openSqliteStore(target, { readonly: true });
      const heads = JSON.stringify((await peek.listTopics()).map((t) => [t.topic, t.head]));
      await peek.close();
      if (heads === srcHeads) break;
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(parseLines(stdout)).toMatchObject([
      { topic: 'live', equal: true, behind: 0 },
      { topic: 'other', equal: true, behind: 0 },
    ]);
    const b = openSqliteStore(target, { readonly: true });
    try {
      expect(await logOf(b)).toEqual(want);
    } finally {
      await b.close();
      await s.close();
    }
  });
});
