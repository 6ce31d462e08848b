/**
 * `tidemark republish`, end to end with the real CLI: `--dry-run` lists what would be written and
 * skipped (a key changed later is skipped) and writes nothing, naming the state to expect; the
 * re-publish writes one transaction with meta.republishOf and the note, by `--by` on a local file;
 * a stale `--expect-max-seq` fails and writes nothing; over `--url` the server's route does the
 * same and records the token's name.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { ndjson, parseLines, runCli, tempDir, useServedStore } from './helpers';

/** txn 1: a, b; txn 2: a, b changed; txn 3: b changed again; txn 2 invalidated (txn 4). */
async function history(store: string[]): Promise<void> {
  const w = async (events: unknown[]): Promise<void> => {
    const r = await runCli(['write', ...store, '--topic', 't'], { input: ndjson(events) });
    expect([r.code, r.stderr]).toEqual([0, '']);
  };
  await w([
    { key: 'a', data: 1 },
    { key: 'b', data: 1 },
  ]);
  await w([
    { key: 'a', data: 2 },
    { key: 'b', data: 2 },
  ]);
  await w([{ key: 'b', data: 3 }]);
  const inv = await runCli(['invalidate', ...store, '--topic', 't', '--txn', '2', '--reason', 'oops']);
  expect(inv.code).toBe(0);
}

describe('republish on a local file', () => {
  let tmp: { dir: string; cleanup: () => void };
  let db: string;
  beforeEach(() => {
    tmp = tempDir();
    db = join(tmp.dir, 'store.db');
  });
  afterEach(() => tmp.cleanup());

  it('dry-runs, refuses a stale state, then writes with meta.republishOf and --by', async () => {
    await history(['--db', db]);
    const dry = await runCli([
      'republish',
      '--db',
      db,
      '--topic',
      't',
      '--txn',
      '2',
      '--dry-run',
      '--format',
      'ndjson',
    ]);
    expect(dry.code).toBe(0);
    expect(parseLines(dry.stdout)).toEqual([
      { key: 'a', action: 'write', why: 'older now (txn 1)', now: 1, after: 2 },
      { key: 'b', action: 'skip', why: 'changed later (txn 3)', now: 3, after: null },
    ]);
    expect(dry.stderr).toContain('would write 1 and skip 1 of 2 keys; nothing written (state: --expect-max-seq 6)');

    const stale = await runCli(['republish', '--db', db, '--topic', 't', '--txn', '2', '--expect-max-seq', '5']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('the topic moved on since the preview');

    const r = await runCli([
      'republish',
      '--db',
      db,
      '--topic',
      't',
      '--txn',
      '2',
      '--expect-max-seq',
      '6',
      '--note',
      'was right',
      '--by',
      'ann',
      '--format',
      'ndjson',
    ]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(parseLines(r.stdout)).toEqual([{ topic: 't', target: 2, txn: 5, written: 1, skipped: 1 }]);
    const store = openSqliteStore(db);
    try {
      const t5 = await store.getTxn('t', 5);
      expect([t5.by, t5.meta, t5.events.map((e) => [e.key, e.data])]).toEqual([
        'ann',
        { note: 'was right', republishOf: 2 },
        [['a', 2]],
      ]);
    } finally {
      await store.close();
    }
  });
});

describe('republish over --url', () => {
  const server = useServedStore(['--token', 'adm:admin:ops-team']);

  it('runs on the server and records the token name; --by is refused', async () => {
    const remote = ['--url', server.url, '--token', 'adm'];
    await history(remote);
    const refused = await runCli(['republish', ...remote, '--topic', 't', '--txn', '2', '--by', 'ann']);
    expect(refused.code).not.toBe(0);
    const r = await runCli(['republish', ...remote, '--topic', 't', '--txn', '2', '--format', 'ndjson']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(parseLines(r.stdout)).toEqual([{ topic: 't', target: 2, txn: 5, written: 1, skipped: 1 }]);
    const txns = await runCli(['txns', ...remote, '--topic', 't', '--format', 'ndjson']);
    expect(parseLines(txns.stdout)).toContainEqual(
      expect.objectContaining({ txn: 5, by: 'ops-team', meta: { republishOf: 2 } }),
    );
  });
});
