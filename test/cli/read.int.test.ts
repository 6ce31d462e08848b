/**
 * The listing commands end to end (`read`, `surface`, `txns`, `topics`, `invalidate`): the real CLI
 * process against a real SQLite file prepared with the engine, in both output formats, including
 * cursors, filters, `--all` across pages of 10,000, and the stderr hint when rows remain.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent, SurfaceRow, TopicInfo, TxnInfo } from '../../src-core/model/types';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { BIN, ROOT, parseLines, runCli, runCliClosingStdout, tempDir } from './helpers';

let tmp: { dir: string; cleanup: () => void };
let db: string;
const BIG = 10_050;
const LONG = 'x'.repeat(500);

beforeAll(async () => {
  tmp = tempDir();
  db = join(tmp.dir, 'store.db');
  const store = openSqliteStore(db);
  try {
    await store.append('trades', {
      events: [
        { key: 'a', data: { px: 1 } },
        { key: 'b', data: { px: 2 } },
        { key: 'c', data: { px: 3 } },
      ],
    });
    await store.append('trades', {
      events: [
        { key: 'a', data: { px: 10 } },
        { key: 'b', data: null },
      ],
    });
    await store.append('trades', {
      events: [
        { key: 'c', data: { px: 30 } },
        { key: 'long', data: LONG },
      ],
    });
    await store.append('other', { events: [{ key: 'k', data: true }] });
    const events = Array.from({ length: BIG }, (_, i) => ({ key: `k${String(i).padStart(6, '0')}`, data: i }));
    const txns = [];
    for (let i = 0; i < events.length; i += 5000) txns.push({ topic: 'big', events: events.slice(i, i + 5000) });
    const res = await store.appendBatch(txns);
    expect(res.error).toBeNull();
  } finally {
    await store.close();
  }
});
afterAll(() => tmp.cleanup());

const cli = (args: string[]): ReturnType<typeof runCli> => runCli([...args, '--db', db]);

describe('tidemark read', () => {
  it('prints events as NDJSON in seq order, each exactly a stored event', async () => {
    const r = await cli(['read', '--topic', 'trades', '--format', 'ndjson']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const events = parseLines(r.stdout) as StoredEvent[];
    expect(events.map((e) => [e.seq, e.txn, e.key])).toEqual([
      [1, 1, 'a'],
      [2, 1, 'b'],
      [3, 1, 'c'],
      [4, 2, 'a'],
      [5, 2, 'b'],
      [6, 3, 'c'],
      [7, 3, 'long'],
    ]);
    expect(events[0]).toMatchObject({
      topic: 'trades',
      type: 'event',
      data: { px: 1 },
      contentType: 'application/json',
    });
    expect(events[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('honours --after, --limit (with a hint on stderr), --order desc --before, --key and --txn', async () => {
    const page = await cli(['read', '--topic', 'trades', '--after', '2', '--limit', '2', '--format', 'ndjson']);
    expect((parseLines(page.stdout) as StoredEvent[]).map((e) => e.seq)).toEqual([3, 4]);
    expect(page.stderr).toBe('tidemark: more rows follow; continue with --after 4 (or use --all)\n');

    const desc = await cli([
      'read',
      '--topic',
      'trades',
      '--order',
      'desc',
      '--before',
      '6',
      '--limit',
      '2',
      '--format',
      'ndjson',
    ]);
    expect((parseLines(desc.stdout) as StoredEvent[]).map((e) => e.seq)).toEqual([5, 4]);
    expect(desc.stderr).toContain('--before 4');

    const key = await cli(['read', '--topic', 'trades', '--key', 'a', '--format', 'ndjson']);
    expect((parseLines(key.stdout) as StoredEvent[]).map((e) => e.seq)).toEqual([1, 4]);
    const txn = await cli(['read', '--topic', 'trades', '--txn', '2', '--format', 'ndjson']);
    expect((parseLines(txn.stdout) as StoredEvent[]).map((e) => e.seq)).toEqual([4, 5]);

    const mixed = await cli(['read', '--topic', 'trades', '--before', '3']);
    expect(mixed.code).not.toBe(0);
    expect(mixed.stderr).toMatch(/--before applies with --order desc/);
  });

  it('prints an aligned table with the data column truncated to the width', async () => {
    const r = await cli(['read', '--topic', 'trades', '--format', 'table']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^seq\s+txn\s+key\s+type\s+time\s+data$/);
    expect(lines[1]).toMatch(/^-+( +-+)+$/);
    expect(lines).toHaveLength(2 + 7);
    const dataCol = lines[0]!.indexOf('data');
    // Every row's data starts in the same column.
    expect(lines[2]!.slice(dataCol)).toBe('{"px":1}');
    expect(lines[5]!.slice(dataCol)).toBe('{"px":10}');
    expect(lines[6]!.slice(dataCol)).toBe('null');
    const long = lines[8]!;
    expect(long.length).toBeLessThanOrEqual(120);
    expect(long.endsWith('…')).toBe(true);
    expect(long).toContain('"xxxx');
  });

  it('--all streams every event across pages of 10,000; --limit above a page spans pages', async () => {
    const all = await cli(['read', '--topic', 'big', '--all', '--format', 'ndjson']);
    expect(all.code).toBe(0);
    expect(all.stderr).toBe('');
    const seqs = (parseLines(all.stdout) as StoredEvent[]).map((e) => e.seq);
    expect(seqs).toHaveLength(BIG);
    expect(seqs.every((s, i) => s === i + 1)).toBe(true);

    const capped = await cli(['read', '--topic', 'big', '--limit', '10020', '--format', 'ndjson']);
    expect(parseLines(capped.stdout)).toHaveLength(10_020);
    expect(capped.stderr).toContain('--after 10020');
  });

  it('a reader that closes the pipe early (| head) ends the command quietly with 0', async () => {
    const r = await runCliClosingStdout(['read', '--topic', 'big', '--all', '--format', 'ndjson', '--db', db]);
    expect(r.firstChunk).toMatch(/^\{"topic":"big","seq":1,/);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('an unknown topic prints nothing (ndjson) or says so (table)', async () => {
    const r = await cli(['read', '--topic', 'nope', '--format', 'ndjson']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const t = await cli(['read', '--topic', 'nope', '--format', 'table']);
    expect(t.stdout).toBe('(no events)\n');
  });
});

describe('tidemark surface', () => {
  it('prints the valid surface by key as NDJSON; tombstoned keys are left out', async () => {
    const r = await cli(['surface', '--topic', 'trades', '--format', 'ndjson']);
    expect(r.code).toBe(0);
    const rows = parseLines(r.stdout) as SurfaceRow[];
    expect(rows.map((x) => [x.key, x.data])).toEqual([
      ['a', { px: 10 }],
      ['c', { px: 30 }],
      ['long', LONG],
    ]);
    expect(Object.keys(rows[0]!).sort()).toEqual(['data', 'hash', 'key', 'seq', 'time', 'txn']);
  });

  it('--as-of-txn, --prefix, --after and --limit', async () => {
    const asOf = await cli(['surface', '--topic', 'trades', '--as-of-txn', '1', '--format', 'ndjson']);
    expect((parseLines(asOf.stdout) as SurfaceRow[]).map((x) => [x.key, x.data])).toEqual([
      ['a', { px: 1 }],
      ['b', { px: 2 }],
      ['c', { px: 3 }],
    ]);
    const prefix = await cli(['surface', '--topic', 'trades', '--prefix', 'l', '--format', 'ndjson']);
    expect((parseLines(prefix.stdout) as SurfaceRow[]).map((x) => x.key)).toEqual(['long']);
    const page = await cli(['surface', '--topic', 'trades', '--limit', '1', '--after', 'a', '--format', 'ndjson']);
    expect((parseLines(page.stdout) as SurfaceRow[]).map((x) => x.key)).toEqual(['c']);
    expect(page.stderr).toContain('--after "c"');
  });

  it('--all pages through a surface larger than one page', async () => {
    const r = await cli(['surface', '--topic', 'big', '--all', '--format', 'ndjson']);
    const keys = (parseLines(r.stdout) as SurfaceRow[]).map((x) => x.key);
    expect(keys).toHaveLength(BIG);
    expect(new Set(keys).size).toBe(BIG);
    expect([...keys].sort()).toEqual(keys);
  });

  it('a table, and view=raw flags rows of invalidated transactions', async () => {
    const t = await cli(['surface', '--topic', 'trades', '--format', 'table']);
    const lines = t.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^key\s+seq\s+txn\s+time\s+data$/);
    expect(lines[2]).toMatch(/^a\s+4\s+2\s+\S+Z\s+\{"px":10\}$/);

    // Invalidate txn 3 in a copy-free way: a separate topic, so the other tests keep their data.
    const store = openSqliteStore(db);
    try {
      await store.append('inv', { events: [{ key: 'a', data: 1 }] });
      await store.append('inv', { events: [{ key: 'a', data: 2 }] });
      await store.invalidate('inv', 2, 'bad');
    } finally {
      await store.close();
    }
    const raw = await cli(['surface', '--topic', 'inv', '--view', 'raw', '--format', 'table']);
    const rawLines = raw.stdout.trimEnd().split('\n');
    expect(rawLines[0]).toMatch(/^key\s+seq\s+txn\s+time\s+valid\s+data$/);
    expect(rawLines[2]).toMatch(/^a\s+2\s+2\s+\S+\s+INVALID\s+2$/);
    const rawJson = await cli(['surface', '--topic', 'inv', '--view', 'raw', '--format', 'ndjson']);
    expect(parseLines(rawJson.stdout)).toMatchObject([{ key: 'a', seq: 2, invalid: true }]);
    const valid = await cli(['surface', '--topic', 'inv', '--format', 'ndjson']);
    expect(parseLines(valid.stdout)).toMatchObject([{ key: 'a', seq: 1, data: 1 }]);
  });
});

describe('tidemark txns, topics and invalidate', () => {
  it('invalidate appends a marker, is idempotent, and txns/topics/read show it in both formats', async () => {
    const first = await cli([
      'invalidate',
      '--topic',
      'trades',
      '--txn',
      '3',
      '--reason',
      'bad feed',
      '--format',
      'ndjson',
    ]);
    expect(first.code).toBe(0);
    expect(parseLines(first.stdout)).toEqual([{ seq: 8, txn: 4, target: 3, duplicate: false }]);
    const again = await cli([
      'invalidate',
      '--topic',
      'trades',
      '--txn',
      '3',
      '--reason',
      'bad feed',
      '--format',
      'table',
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout.split('\n')[2]).toMatch(/^\s*8\s+4\s+3\s+true$/);
    expect(again.stderr).toContain('txn 3 was already invalid (marker seq 8)');

    const txns = parseLines((await cli(['txns', '--topic', 'trades', '--format', 'ndjson'])).stdout) as TxnInfo[];
    expect(txns.map((t) => [t.txn, t.firstSeq, t.lastSeq, t.count, t.invalidatedBy, t.reason])).toEqual([
      [1, 1, 3, 3, null, null],
      [2, 4, 5, 2, null, null],
      [3, 6, 7, 2, 8, 'bad feed'],
      [4, 8, 8, 1, null, null],
    ]);
    const table = (await cli(['txns', '--topic', 'trades', '--format', 'table'])).stdout.trimEnd().split('\n');
    expect(table[0]).toMatch(/^txn\s+firstSeq\s+lastSeq\s+count\s+time\s+by\s+meta\s+status$/);
    expect(table[2]).toMatch(/valid$/);
    expect(table[4]).toMatch(/INVALID \(marker seq 8\): bad feed$/);
    expect(table[5]).toMatch(/marker$/);
    const desc = parseLines(
      (await cli(['txns', '--topic', 'trades', '--order', 'desc', '--limit', '2', '--format', 'ndjson'])).stdout,
    ) as TxnInfo[];
    expect(desc.map((t) => t.txn)).toEqual([4, 3]);

    const marker = parseLines((await cli(['read', '--topic', 'trades', '--after', '7', '--format', 'ndjson'])).stdout);
    expect(marker).toMatchObject([{ seq: 8, type: 'invalidate', key: '$invalidate', target: 3, reason: 'bad feed' }]);
    const readTable = (await cli(['read', '--topic', 'trades', '--after', '5', '--format', 'table'])).stdout;
    expect(readTable).toMatch(/event \(invalid\)/);
    expect(readTable).toMatch(/invalidates txn 3: bad feed/);

    const topics = parseLines((await cli(['topics', '--format', 'ndjson'])).stdout) as TopicInfo[];
    expect(topics.map((t) => t.topic)).toEqual(['big', 'inv', 'other', 'trades']);
    expect(topics.find((t) => t.topic === 'trades')).toMatchObject({
      events: 8,
      maxSeq: 8,
      maxTxn: 4,
      invalidTxns: 1,
      keys: 2,
    });
    const topicsTable = (await cli(['topics', '--format', 'table'])).stdout.trimEnd().split('\n');
    expect(topicsTable[0]).toMatch(/^topic\s+events\s+keys\s+maxSeq\s+maxTxn\s+invalidTxns\s+lastTime$/);
    expect(topicsTable[5]).toMatch(/^trades\s+8\s+2\s+8\s+4\s+1\s+\S+Z$/);
  });

  it('invalidate: unknown txn is NOT_FOUND, a marker target is BAD_REQUEST, both exit non-zero', async () => {
    const unknown = await cli(['invalidate', '--topic', 'other', '--txn', '99', '--reason', 'x']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/^tidemark: .*\(NOT_FOUND\)\n$/);
    const store = openSqliteStore(db);
    const markerTxn = (await store.invalidate('other', 1, 'first')).txn;
    await store.close();
    const onMarker = await cli(['invalidate', '--topic', 'other', '--txn', String(markerTxn), '--reason', 'x']);
    expect(onMarker.code).not.toBe(0);
    expect(onMarker.stderr).toMatch(/\(BAD_REQUEST\)\n$/);
    const noReason = await cli(['invalidate', '--topic', 'other', '--txn', '1', '--reason', '']);
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr).toMatch(/--reason/);
  });
});

describe('tidemark read --follow', () => {
  it('prints the backlog after --after, then events committed by another process, until SIGINT (exit 0)', async () => {
    const store = openSqliteStore(db);
    await store.append('live', { events: [{ key: 'a', data: 1 }] });
    await store.close();
    const child = spawn(
      process.execPath,
      [BIN, 'read', '--db', db, '--topic', 'live', '--follow', '--after', '0', '--format', 'ndjson'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const closed = new Promise<number | null>((r) => child.on('close', r));
    const waitFor = async (lines: number): Promise<void> => {
      for (let i = 0; i < 300 && stdout.split('\n').length <= lines; i++) await new Promise((r) => setTimeout(r, 100));
    };
    await waitFor(1);
    // Another process (this one) writes: the follower sees it through its poll.
    const writer = openSqliteStore(db);
    await writer.append('live', {
      events: [
        { key: 'b', data: 2 },
        { key: 'c', data: 3 },
      ],
    });
    await writer.close();
    await waitFor(3);
    child.kill('SIGINT');
    expect(await closed).toBe(0);
    expect(stderr).toBe('');
    expect((parseLines(stdout) as StoredEvent[]).map((e) => [e.seq, e.key])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
  });

  it('--follow refuses options it cannot honour', async () => {
    const r = await cli(['read', '--topic', 'live', '--follow', '--limit', '5']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /'--follow' cannot be used with option '--limit <n>'|'--limit <n>' cannot be used with option '--follow'/,
    );
  });
});
