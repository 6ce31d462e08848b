/**
 * `tidemark diff … --repair` end to end: spawns `node bin/tidemark.mjs` against a real SQLite file
 * (`--db`, by = `--by`) and a real server (`--url`, by = the token's name), checks the one JSON
 * line on stdout, what was written (the diff is then equal), `--dry-run` (nothing written),
 * `--keys FILE`, `--include`, a stale `--expect-max-seq` (exit 1, nothing written), and the usage
 * errors (exit 2, nothing written): `--repair` without `--reason`, repair options without
 * `--repair`, `--repair` with `--as-of-txn`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/helpers';
import { startServer } from '../../src-core/server/index';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';
import { tempDir } from './helpers';

let dir: { dir: string; cleanup: () => void };
let db: string;
let store: EventStore;
let server: { url: string; close(): Promise<void> };
let n = 0;

beforeAll(async () => {
  dir = tempDir();
  db = join(dir.dir, 'store.db');
  store = openSqliteStore(db);
  writeFileSync(join(dir.dir, 'up.csv'), 'id,qty,ok\nA,6,true\nB,2,false\nD,4,true\n');
  writeFileSync(join(dir.dir, 'keys.ndjson'), '"D"\n');
  server = await startServer({ store, port: 0, tokens: [{ token: 'w', role: 'write', name: 'robot' }] });
});
afterAll(async () => {
  await server.close();
  await store.close();
  dir.cleanup();
});

async function freshTopic(): Promise<string> {
  const topic = `t${++n}`;
  await store.append(topic, {
    events: [
      { key: 'A', data: { qty: 5, ok: false, note: 'n' } },
      { key: 'B', data: { qty: 2, ok: false, note: 'n' } },
      { key: 'C', data: { qty: 9, ok: true, note: 'n' } },
    ],
  });
  return topic;
}

const file = (): string => join(dir.dir, 'up.csv');

/** `diff --db DB --topic T --file up.csv --key id` and `extra`, split at spaces. */
const onDb = (topic: string, extra: string): string[] => [
  ...['diff', '--db', db, '--topic', topic, '--file', file(), '--key', 'id'],
  ...extra.split(' ').filter((a) => a !== ''),
];

describe('tidemark diff --repair', () => {
  it('--db: repairs, prints one line, records --by and the reason; the diff is then equal', async () => {
    const topic = await freshTopic();
    const r = await runCli([...onDb(topic, '--repair --reason'), 'ticket 7', '--by', 'ann']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { written: number; txns: number[]; dryRun: boolean };
    expect(out).toMatchObject({ written: 2, txns: [2], dryRun: false, asOf: { maxSeq: 3, maxTxn: 1 } });
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const txn = (await store.listTxns(topic)).txns.find((t) => t.txn === 2)!;
    expect(txn.by).toBe('ann');
    expect(txn.meta).toMatchObject({ repair: { reason: 'ticket 7', snapshot: { name: 'up.csv' } } });
    expect((await store.surface(topic)).rows.find((x) => x.key === 'A')!.data).toEqual({ qty: 6, ok: true, note: 'n' });
    const after = await runCli(['diff', '--db', db, '--topic', topic, '--file', file(), '--key', 'id']);
    expect(JSON.parse(after.stdout)).toMatchObject({ different: 0, missingInStore: 0, missingInSnapshot: 1 });
  });

  it('--url: --dry-run writes nothing; --keys and --include choose; by is the token name', async () => {
    const topic = await freshTopic();
    const base = [
      'diff',
      '--url',
      server.url,
      '--token',
      'w',
      '--topic',
      topic,
      '--file',
      file(),
      '--key',
      'id',
      '--repair',
      '--reason',
      'r',
    ];
    const dry = await runCli([...base, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ written: 2, txns: [2], dryRun: true });
    expect((await store.topicInfo(topic)).maxSeq).toBe(3);
    const keyed = await runCli([...base, '--keys', join(dir.dir, 'keys.ndjson'), '--include', 'missingInStore']);
    expect(keyed.stderr).toBe('');
    expect(JSON.parse(keyed.stdout)).toMatchObject({ written: 1, txns: [2] });
    const txn = (await store.listTxns(topic)).txns.find((t) => t.txn === 2)!;
    expect(txn.by).toBe('robot');
    expect((await store.surface(topic)).rows.map((x) => x.key)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('a stale --expect-max-seq fails with 1 and writes nothing', async () => {
    const topic = await freshTopic();
    const r = await runCli(onDb(topic, '--repair --reason r --expect-max-seq 1'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/expectMaxSeq.*CONFLICT/);
    expect((await store.topicInfo(topic)).maxSeq).toBe(3);
  });

  it('usage errors exit 2 and write nothing', async () => {
    const topic = await freshTopic();
    const base = ['diff', '--db', db, '--topic', topic, '--file', file(), '--key', 'id'];
    const cases: [string[], RegExp][] = [
      [['--repair'], /--repair needs --reason/],
      [['--reason', 'r'], /--reason applies only with --repair/],
      [['--dry-run'], /--dry-run applies only with --repair/],
      [['--repair', '--reason', 'r', '--as-of-txn', '1'], /--as-of-txn/],
    ];
    for (const [extra, message] of cases) {
      const r = await runCli([...base, ...extra]);
      expect({ code: r.code, extra }).toEqual({ code: 2, extra });
      expect(r.stderr).toMatch(message);
    }
    expect((await store.topicInfo(topic)).maxSeq).toBe(3);
  });
});
