/**
 * `tailTopic` over the SQLite backend: the backlog after `after` and then live events arrive in seq
 * order with no gaps or duplicates, also when another connection (standing in for another process)
 * writes in between — its commits are not seen by `subscribe` and must be read from the store —
 * and nothing arrives after the tail is stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src-core/model/types';
import { type SqliteEventStore, openSqliteStore } from '../../src-core/store/sqlite';
import { tailTopic } from '../../src-core/store/tail';
import { waitFor } from './harness';

let dir: string;
let a: SqliteEventStore;
let b: SqliteEventStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-tail-'));
  a = openSqliteStore(join(dir, 's.db'));
  b = openSqliteStore(join(dir, 's.db'));
});
afterEach(async () => {
  await a.close();
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});

function seqs(events: StoredEvent[]): number[] {
  return events.map((e) => e.seq);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('tailTopic', () => {
  it('delivers the backlog in pages, then live events, in order without duplicates', async () => {
    for (let i = 0; i < 25; i++) {
      await a.append('t', { events: Array.from({ length: 10 }, (_, j) => ({ key: `k${j}`, data: i })) });
    }
    const seen: StoredEvent[] = [];
    const stop = tailTopic(a, 't', 100, (ev) => seen.push(...ev), { pageSize: 30, pollMs: 20 });
    try {
      await a.append('t', { events: [{ key: 'live', data: 1 }] });
      await a.invalidate('t', 3, 'x');
      await waitFor(() => expect(seqs(seen)).toEqual(range(101, 252)));
      expect(seen[151]).toMatchObject({ type: 'invalidate', target: 3 });
    } finally {
      stop();
    }
  });

  it('fills gaps left by writes of another connection, and sees them by polling', async () => {
    await a.append('t', { events: [{ key: 'a', data: 0 }] });
    const seen: StoredEvent[] = [];
    const stop = tailTopic(a, 't', 0, (ev) => seen.push(...ev), { pollMs: 20 });
    try {
      for (let i = 1; i <= 30; i++) {
        const writer = i % 3 === 0 ? a : b; // b's commits never reach a's listeners
        await writer.append('t', { events: [{ key: `k${i}`, data: i }] });
        if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      await waitFor(() => expect(seqs(seen)).toEqual(range(1, 31)));
      // Only b writes now: the poll must find it.
      await b.append('t', { events: [{ key: 'only-b', data: 1 }] });
      await waitFor(() => expect(seqs(seen)).toEqual(range(1, 32)));
    } finally {
      stop();
    }
  });

  it('waits for the first event of an empty topic, and stops delivering when stopped', async () => {
    const seen: StoredEvent[] = [];
    const stop = tailTopic(a, 'fresh', 0, (ev) => seen.push(...ev), { pollMs: 20 });
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([]);
    await a.append('fresh', { events: [{ key: 'a', data: 1 }] });
    await waitFor(() => expect(seqs(seen)).toEqual([1]));
    stop();
    await a.append('fresh', { events: [{ key: 'b', data: 1 }] });
    await b.append('fresh', { events: [{ key: 'c', data: 1 }] });
    await new Promise((r) => setTimeout(r, 80));
    expect(seqs(seen)).toEqual([1]);
  });
});
