/**
 * Crash test: two child processes write to one store file at the same time (so the multi-process
 * locking is exercised too) and print every acknowledged transaction; both are SIGKILLed mid-run.
 * Reopening the file must show every acknowledged transaction whole, no partial transaction, seq
 * and txn dense from 1 in every topic, and counters and surfaces equal to the in-memory reference
 * store's fold of the log (test/contract/oracle.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src-core/model/types';
import { openSqliteStore } from '../../src-core/store/sqlite';
import { readAll } from '../contract/harness';
import { expectSameState, openOracle, replayLog } from '../contract/oracle';

interface Ack {
  client: string;
  topic: string;
  txn: number;
  count: number;
}

const WRITER = join(import.meta.dirname, 'writer.ts');
let dir = '';
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.length = 0;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Starts a writer and resolves once it has acknowledged `enough` transactions. */
function startWriter(file: string, label: string, acks: Ack[], enough: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file, label], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let mine = 0;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [tag, , client, topic, txn, count] = line.split(' ');
      if (tag !== 'ack') return;
      acks.push({ client: client!, topic: topic!, txn: Number(txn), count: Number(count) });
      if (++mine === enough) resolve();
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer ${label} exited (${code}) before the kill: ${stderr}`));
    });
  });
}

describe('crash safety', () => {
  it('keeps every acknowledged transaction whole after SIGKILL of two concurrent writers', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tidemark-crash-'));
    const file = join(dir, 'crash.db');
    await openSqliteStore(file).close(); // create the file before two processes race to
    const acks: Ack[] = [];
    await Promise.all([startWriter(file, 'A', acks, 150), startWriter(file, 'B', acks, 150)]);
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(
      children.map(
        (c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.on('exit', r))),
      ),
    );

    const store = openSqliteStore(file);
    try {
      const topics = await store.listTopics();
      expect(topics.map((t) => t.topic)).toEqual(['crash', 'crash.A', 'crash.B']);
      for (const info of topics) {
        const log = await readAll(store, info.topic);
        expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
        const txns = (await store.listTxns(info.topic, { limit: 10_000 })).txns;
        expect(txns.map((t) => t.txn)).toEqual(txns.map((_, i) => i + 1));
        expect(info).toMatchObject({ events: log.length, maxSeq: log.length, maxTxn: txns.length, invalidTxns: 0 });
        // Counters and surfaces equal the reference store's fold of the log, which replays whole.
        const oracle = openOracle();
        await replayLog(oracle, info.topic, log);
        await expectSameState(store, oracle, info.topic);
        await oracle.close();
        // Group by client transaction: each stored one is whole and is exactly one store txn.
        const groups = new Map<string, StoredEvent[]>();
        for (const e of log) {
          const c = (e.data as { c: string }).c;
          groups.set(c, [...(groups.get(c) ?? []), e]);
        }
        for (const [, events] of groups) {
          const n = (events[0]!.data as { n: number }).n;
          expect(events.map((e) => (e.data as { j: number }).j)).toEqual(Array.from({ length: n }, (_, j) => j));
          expect(new Set(events.map((e) => e.txn)).size).toBe(1);
        }
        for (const a of acks.filter((x) => x.topic === info.topic)) {
          const events = groups.get(a.client);
          expect(events, `acknowledged ${a.client} missing`).toBeDefined();
          expect(events!).toHaveLength(a.count);
          expect(events![0]!.txn).toBe(a.txn);
        }
      }
    } finally {
      await store.close();
    }
  });
});
