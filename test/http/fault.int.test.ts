/**
 * Fault test: the ordered writer under load against `tidemark serve` (a child process), the
 * server killed with SIGKILL mid-run and restarted on the same port and file. The writer retries
 * through the outage and resumes. At the end: every append resolved, nothing acknowledged is lost,
 * no event is stored twice (every key once), and seq/txn are dense.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src-core/model/types';
import { OrderedWriter } from '../../src-core/store/http/index';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { tempDir } from './helpers';
import { freePort, spawnServe, type Served } from './spawn';

let dir: string;
const children: Served[] = [];
beforeAll(() => {
  dir = tempDir('tidemark-fault-');
});
afterAll(() => {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 the server under ordered-writer load', () => {
  it('loses nothing acknowledged, stores nothing twice, keeps seq/txn dense', async () => {
    const db = join(dir, 'fault.db');
    const port = await freePort();
    const args = ['--db', db, '--port', String(port)];
    const first = await spawnServe(args, dir);
    children.push(first);
    expect(first.url).toBe(`http://127.0.0.1:${port}`);

    const w = new OrderedWriter({ url: first.url!, retryForMs: 30_000 });
    const total = 30_000;
    const acked = new Map<string, number>(); // key -> seq
    const failures: unknown[] = [];
    const pending: Promise<void>[] = [];
    let killed = false;
    let retried = 0;
    let restarted: Promise<Served> | null = null;
    for (let i = 0; i < total; i++) {
      const key = `k${i}`;
      pending.push(
        w.append('fault', { events: [{ key, data: { i } }] }).then(
          (r) => {
            acked.set(key, r.results[0]!.seq);
            if (r.retried) retried++;
          },
          (e: unknown) => void failures.push(e),
        ),
      );
      if (w.pending > 3000) await w.flush();
      if (!killed && acked.size >= 8000) {
        killed = true;
        first.proc.kill('SIGKILL');
        await first.exit;
        restarted = new Promise((r) => setTimeout(r, 300)).then(() => spawnServe(args, dir));
      }
    }
    const second = await restarted!;
    children.push(second);
    expect(second.url).toBe(`http://127.0.0.1:${port}`);
    await Promise.all(pending);
    expect(killed).toBe(true);
    expect(failures).toEqual([]);
    expect(retried).toBeGreaterThan(0); // the outage was crossed by retrying
    expect(acked.size).toBe(total);

    second.proc.kill('SIGTERM');
    expect((await second.exit).code).toBe(0);

    const store = openSqliteStore(db);
    try {
      const info = await store.topicInfo('fault');
      const all: StoredEvent[] = [];
      for (let after = 0; ;) {
        const page = await store.readEvents('fault', { after, limit: 10_000 });
        all.push(...page.events);
        if (page.next === null) break;
        after = page.next;
      }
      expect(all.length).toBe(total); // every key once: nothing stored twice
      expect(new Set(all.map((e) => e.key)).size).toBe(total);
      expect(all.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(all.map((e) => e.txn)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(info).toMatchObject({ maxSeq: total, maxTxn: total, events: total });
      for (const e of all) expect(acked.get(e.key)).toBe(e.seq); // acknowledged seq is the stored one
    } finally {
      await store.close();
    }
  });
});
