/**
 * `tidemark verify` end to end with the real CLI: every topic by default and exit 0 when all
 * verify; a data byte changed underneath one topic's rows (better-sqlite3 on the file) is exit 4
 * with that topic's firstBad, the other topic still printed ok; `--expect-head` with a recorded
 * head passes and with a foreign one fails as anchor; `--expect-head` without exactly one
 * `--topic`, or malformed, is a usage error (exit 2); the table names the failure; `--url` against a
 * real `tidemark serve` verifies through the route.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { EXIT } from '../../src-core/cli/exit-codes';
import { ndjson, parseLines, runCli, tempDir, useServedStore } from './helpers';

let tmp: { dir: string; cleanup: () => void };
let db: string;
beforeEach(() => {
  tmp = tempDir();
  db = join(tmp.dir, 'store.db');
});
afterEach(() => tmp.cleanup());

async function seed(): Promise<string> {
  const store = openSqliteStore(db);
  try {
    await store.append('alpha', { events: [{ key: 'a', data: 1 }] });
    await store.append('alpha', { events: [{ key: 'b', data: 2 }] });
    await store.append('beta', { events: [{ key: 'x', data: 'y' }] });
    return (await store.topicInfo('alpha')).head!;
  } finally {
    await store.close();
  }
}

function tamperAlpha(): void {
  const raw = new Database(db);
  try {
    raw.exec("UPDATE events SET data = '3' WHERE seq = 2 AND topic_id = (SELECT id FROM topics WHERE name = 'alpha')");
  } finally {
    raw.close();
  }
}

describe('tidemark verify on a store file', () => {
  it('verifies every topic by default and exits 0', async () => {
    const head = await seed();
    const r = await runCli(['verify', '--db', db, '--format', 'ndjson']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT.ok);
    const lines = parseLines(r.stdout);
    expect(lines).toMatchObject([
      { topic: 'alpha', ok: true, txns: 2, events: 2, head, firstBad: null, legacy: [] },
      { topic: 'beta', ok: true, txns: 1, events: 1 },
    ]);
  });

  it('exits 4 when a topic fails, naming its transaction, and still verifies the others', async () => {
    await seed();
    tamperAlpha();
    const r = await runCli(['verify', '--db', db, '--format', 'ndjson']);
    expect(r.code).toBe(EXIT.verifyFailed);
    expect(parseLines(r.stdout)).toMatchObject([
      { topic: 'alpha', ok: false, txns: 1, firstBad: { txn: 2, what: 'data' } },
      { topic: 'beta', ok: true },
    ]);
    const table = await runCli(['verify', '--db', db, '--topic', 'alpha', '--format', 'table']);
    expect(table.code).toBe(EXIT.verifyFailed);
    expect(table.stdout).toContain('FAILED');
    expect(table.stdout).toContain('data at txn 2');
  });

  it('checks an anchor given with --expect-head', async () => {
    const head = await seed();
    const good = await runCli(['verify', '--db', db, '--topic', 'alpha', '--expect-head', head, '--format', 'ndjson']);
    expect(good.code).toBe(EXIT.ok);
    const bad = await runCli(['verify', '--db', db, '--topic', 'beta', '--expect-head', head, '--format', 'ndjson']);
    expect(bad.code).toBe(EXIT.verifyFailed);
    expect(parseLines(bad.stdout)).toMatchObject([
      { topic: 'beta', ok: false, firstBad: { txn: null, what: 'anchor' } },
    ]);
  });

  it('refuses --expect-head without exactly one --topic, or malformed, as usage errors', async () => {
    const head = await seed();
    const none = await runCli(['verify', '--db', db, '--expect-head', head]);
    expect(none.code).toBe(EXIT.usage);
    expect(none.stderr).toContain('--expect-head needs exactly one --topic');
    expect(none.stdout).toBe('');
    const malformed = await runCli(['verify', '--db', db, '--topic', 'alpha', '--expect-head', 'XYZ']);
    expect(malformed.code).toBe(EXIT.usage);
    expect(malformed.stderr).toContain('64 lowercase hex');
  });

  it('fails with one line and exit 1 for an unknown topic', async () => {
    await seed();
    const r = await runCli(['verify', '--db', db, '--topic', 'nope']);
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('nope');
  });
});

describe('tidemark verify --url', () => {
  const served = useServedStore([]);
  it('verifies through the route of a real server', async () => {
    const w = await runCli(['write', '--url', served.url, '--topic', 'remote'], {
      input: ndjson([{ key: 'k', data: 1 }]),
    });
    expect(w.code).toBe(0);
    const r = await runCli(['verify', '--url', served.url, '--topic', 'remote', '--format', 'ndjson']);
    expect(r.code).toBe(EXIT.ok);
    expect(parseLines(r.stdout)).toMatchObject([{ topic: 'remote', ok: true, txns: 1, events: 1 }]);
  });
});
