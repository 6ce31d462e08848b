/**
 * diffSnapshot against the real SQLite engine, case by case: bad snapshots (missing key, duplicate
 * key across spill batches, bad key values, CSV header problems) fail with BAD_REQUEST naming the
 * record and line and leave no spill file; unknown topics, number keys, asOfTxn, option checks;
 * cancellation before and during each phase (CANCELLED, spill removed); progress; back-pressure
 * through `onRow`; and that a long diff lets the event loop run.
 */
import { getEventListeners } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diffSnapshot } from '../../src-core/diff/index';
import { SnapshotSpill, SpillBatch } from '../../src-core/diff/spill';
import type { Chunk, DiffOptions, SnapshotFormat } from '../../src-core/diff/types';
import type { Progress } from '../../src-core/model/store-api';
import type { EventStore } from '../../src-core/store/types';
import { filesIn, sqliteStore, tempDir, textChunks } from './helpers';

let dir: { dir: string; cleanup: () => void };
let spill: { dir: string; cleanup: () => void };
let store: EventStore;

beforeAll(async () => {
  dir = tempDir();
  spill = tempDir('tm-diff-spill-');
  store = sqliteStore(dir.dir);
  await store.append('t', {
    events: [
      { key: '1', data: { a: 1 } },
      { key: '2', data: { a: 2 } },
      { key: '5', data: { a: 5 } },
    ],
  });
  await store.append('t', { events: [{ key: '1', data: { a: 10 } }] });
  // A big topic for the long-running cases: 3,000 keys in one transaction.
  const events = Array.from({ length: 3000 }, (_, i) => ({ key: `k${String(i).padStart(5, '0')}`, data: { v: i } }));
  await store.append('big', { events });
});
afterAll(async () => {
  await store.close();
  dir.cleanup();
  spill.cleanup();
});
afterEach(() => {
  expect(filesIn(spill.dir)).toEqual([]);
});

const run = (format: SnapshotFormat, text: string, opts: DiffOptions = {}, topic = 't') =>
  diffSnapshot(store, topic, { format, body: textChunks(text) }, { tmpDir: spill.dir, ...opts });

async function* ndjsonRecords(count: number, onChunk?: (i: number) => void): AsyncGenerator<Chunk> {
  for (let i = 0; i < count; i += 500) {
    onChunk?.(i);
    let s = '';
    for (let j = i; j < Math.min(count, i + 500); j++)
      s += JSON.stringify({ key: `k${String(j).padStart(5, '0')}`, v: j }) + '\n';
    yield s;
  }
}

describe('bad snapshots', () => {
  it('a record without the key field names its record and line', async () => {
    await expect(run('ndjson', '{"key":"1"}\n\n{"id":"2"}\n')).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'record 2 (line 3): has no "key" field',
    });
    await expect(run('json', '[{"id":"1","a":1}]', { keyField: 'id' })).resolves.toBeTruthy();
    await expect(run('json', '[\n{"id":"1"},\n{"a":1}]', { keyField: 'id' })).rejects.toThrow(
      'record 2 (line 3): has no "id" field',
    );
  });

  it('a duplicate key names both records, even in different spill batches', async () => {
    const lines = Array.from({ length: 6000 }, (_, i) => JSON.stringify({ key: `x${i}` }));
    lines[5499] = JSON.stringify({ key: 'x2' });
    await expect(run('ndjson', lines.join('\n'))).rejects.toThrow(
      'record 5500 (line 5500): duplicate key "x2" (first seen in record 3 (line 3))',
    );
    await expect(run('csv', 'key,a\n1,x\n1,y\n')).rejects.toThrow(
      'record 2 (line 3): duplicate key "1" (first seen in record 1 (line 2))',
    );
  });

  it('of several duplicate keys, names the one first seen first, with its first two records', async () => {
    // "a" repeats first and sorts first, but "z" was seen first; "z" occurs three times.
    const text = ['z', 'a', 'a', 'z', 'z'].map((key) => JSON.stringify({ key })).join('\n');
    await expect(run('ndjson', text)).rejects.toThrow(
      'record 4 (line 4): duplicate key "z" (first seen in record 1 (line 1))',
    );
  });

  it('key values must be non-empty strings or numbers', async () => {
    await expect(run('ndjson', '{"key":{"a":1}}')).rejects.toThrow(
      /record 1 \(line 1\): the key "key" must be a string or a number, got an object/,
    );
    await expect(run('ndjson', '{"key":null}')).rejects.toThrow(/got null/);
    await expect(run('csv', 'key,a\n"",1\n')).rejects.toThrow('record 1 (line 2): the key "key" is empty');
  });

  it('CSV: the key column and listed fields must be in the header', async () => {
    await expect(run('csv', 'id,a\n1,2\n')).rejects.toThrow(
      'the CSV header has no key column "key" (columns: "id", "a")',
    );
    await expect(run('csv', 'key,a\n1,2\n', { fields: ['a', 'nope'] })).rejects.toThrow(
      'fields: "nope" is not a column of the CSV header',
    );
  });

  it('options are checked before anything is read', async () => {
    await expect(run('csv', '', { limit: -1 })).rejects.toThrow(/limit: must be an integer from 0 to 100000/);
    await expect(run('csv', '', { fields: [] })).rejects.toThrow(/fields: name at least one field/);
    await expect(run('csv', '', { fields: ['a'], ignore: ['a'] })).rejects.toThrow(
      /every listed field is also ignored/,
    );
    await expect(run('csv', '', {}, 'bad topic!')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(run('xml' as SnapshotFormat, '')).rejects.toThrow(/format: must be csv, json or ndjson, got "xml"/);
  });
});

describe('semantics', () => {
  it('an empty file is a valid empty snapshot', async () => {
    for (const f of ['csv', 'json', 'ndjson'] as const) {
      const r = await run(f, '');
      expect(r.summary).toEqual({
        equal: 0,
        different: 0,
        missingInStore: 0,
        missingInSnapshot: 3,
        snapshotRecords: 0,
        surfaceRows: 3,
      });
      expect(r.rows.map((x) => x.key)).toEqual(['1', '2', '5']);
    }
  });

  it('an unknown topic has an empty surface: every record is missing in the store', async () => {
    const r = await run('ndjson', '{"key":"1"}\n{"key":"2"}\n', {}, 'nothing.here');
    expect(r.summary.missingInStore).toBe(2);
    expect(r.summary.surfaceRows).toBe(0);
  });

  it('number keys match string keys; rows carry the txn that made the store side', async () => {
    const r = await run('json', '[{"key":1,"a":10},{"key":2,"a":3},{"key":5,"a":5}]');
    expect(r.summary).toMatchObject({ equal: 2, different: 1 });
    expect(r.rows.map((x) => [x.key, x.status, x.fields, x.store?.txn, x.store?.seq])).toEqual([
      ['2', 'different', ['a'], 1, 2],
    ]);
  });

  it('asOfTxn compares with an older surface', async () => {
    const now = await run('csv', 'key,a\n1,1\n2,2\n5,5\n');
    expect(now.summary.different).toBe(1);
    const then = await run('csv', 'key,a\n1,1\n2,2\n5,5\n', { asOfTxn: 1 });
    expect(then.summary).toMatchObject({ equal: 3, different: 0 });
  });

  it("keys and cells holding the spill's separators (U+0001, newline, a leading U+0002) come back intact", async () => {
    const keys = ['a\u0001b', 'c\nd', '\u0002e', 'f'];
    await store.append('sep', { events: keys.map((key, i) => ({ key, data: { a: `x\u0001${i}`, b: 'y\nz' } })) });
    const csvCell = (s: string): string => `"${s.replace(/"/g, '""')}"`;
    // Every key equal except the last, whose cell differs; one extra key with separators too.
    const csv =
      'key,a,b\n' +
      keys.map((k, i) => [k, `x\u0001${i}`, i === 3 ? 'other' : 'y\nz'].map(csvCell).join(',') + '\n').join('') +
      [csvCell('g\u0001\n'), csvCell('\u0001'), csvCell('\n')].join(',') +
      '\n';
    const records = [
      ...keys.map((key, i) => ({ key, a: `x\u0001${i}`, b: i === 3 ? 'other' : 'y\nz' })),
      { key: 'g\u0001\n', a: '\u0001', b: '\n' },
    ];
    for (const [format, text] of [
      ['csv', csv],
      ['ndjson', records.map((r) => JSON.stringify(r)).join('\n')],
    ] as const) {
      const r = await run(format, text, {}, 'sep');
      expect(r.summary).toMatchObject({ equal: 3, different: 1, missingInStore: 1, missingInSnapshot: 0 });
      expect(r.rows.map((x) => [x.key, x.status, x.fields, x.snapshot])).toEqual([
        ['f', 'different', ['b'], records[3]],
        ['g\u0001\n', 'missingInStore', [], records[4]],
      ]);
    }
  });

  it('a snapshot already in key order (no sort) and the same records shuffled give the same result', async () => {
    // U+FF01 sorts before U+1F600 by code point, after it by UTF-16 code unit: a snapshot in
    // UTF-16 order is not in key order and must be sorted.
    const keys = ['a', 'b', 'c', 'z', '\uff01', '\u{1f600}'];
    await store.append('ordered', { events: keys.slice(1).map((key, i) => ({ key, data: { v: String(i) } })) });
    const line = (k: string): string => `${k},${keys.indexOf(k) === 3 ? 'x' : String(keys.indexOf(k) - 1)}\n`;
    const inOrder = 'key,v\n' + keys.map(line).join('');
    const utf16 = 'key,v\n' + [...keys].sort().map(line).join('');
    const shuffled = 'key,v\n' + [3, 0, 5, 1, 4, 2].map((i) => line(keys[i]!)).join('');
    const results = [];
    for (const text of [inOrder, utf16, shuffled])
      results.push(await run('csv', text, { includeEqual: true }, 'ordered'));
    expect(results[0]!.summary).toMatchObject({ equal: 4, different: 1, missingInStore: 1 });
    expect(results[0]!.rows.map((r) => r.key)).toEqual(keys);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    // In key order but with a repeated key: still the duplicate, naming both records.
    await expect(run('csv', 'key,v\na,1\nb,2\nb,3\n', {}, 'ordered')).rejects.toThrow(
      'record 3 (line 4): duplicate key "b" (first seen in record 2 (line 3))',
    );
  });

  it('limit 0 returns only the summary, truncated when there were rows', async () => {
    const r = await run('csv', 'key,a\n1,1\n', { limit: 0 });
    expect(r.rows).toEqual([]);
    expect(r.truncated).toBe(true);
    expect(r.summary.different + r.summary.missingInSnapshot).toBe(3);
  });
});

describe('long operations', () => {
  it('an already aborted signal cancels before anything is written', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(
      diffSnapshot(
        store,
        'big',
        { format: 'ndjson', body: ndjsonRecords(10) },
        { tmpDir: spill.dir },
        { signal: ac.signal },
      ),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('cancelling while loading stops reading and removes the spill', async () => {
    const ac = new AbortController();
    let chunks = 0;
    const body = ndjsonRecords(200_000, () => {
      chunks++;
      if (chunks === 20) ac.abort();
    });
    await expect(
      diffSnapshot(store, 'big', { format: 'ndjson', body }, { tmpDir: spill.dir }, { signal: ac.signal }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(chunks).toBeLessThan(400);
  });

  it('cancelling while comparing stops the merge and removes the spill', async () => {
    const ac = new AbortController();
    let rows = 0;
    await expect(
      diffSnapshot(
        store,
        'big',
        { format: 'ndjson', body: ndjsonRecords(3000) },
        {
          tmpDir: spill.dir,
          includeEqual: true,
          pageSize: 100,
          onRow: () => {
            if (++rows === 10) ac.abort();
          },
        },
        { signal: ac.signal },
      ),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(rows).toBeLessThan(3000);
  });

  it('fails INTERNAL and cleans up when the spill worker cannot load better-sqlite3', async () => {
    const broken = new SnapshotSpill(spill.dir, `${spill.dir}/missing/better-sqlite3.js`);
    const cancelled = (): Error => new Error('cancelled');
    try {
      const batch = new SpillBatch(1);
      batch.add('1', 1, 1, { key: '1' });
      await broken.add(batch, undefined, cancelled);
      await expect(broken.sort(undefined, cancelled)).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringMatching(/spill worker failed: Cannot find module/) as unknown,
      });
    } finally {
      await broken.close();
    }
    // (afterEach checks that the spill directory was removed)
  });

  it('leaves no abort listeners behind after a long diff', async () => {
    const ac = new AbortController();
    const r = await diffSnapshot(
      store,
      'big',
      { format: 'ndjson', body: ndjsonRecords(40_000) },
      { tmpDir: spill.dir },
      { signal: ac.signal },
    );
    expect(r.summary).toMatchObject({ equal: 3000, missingInStore: 37_000 });
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('reports progress: bytes while loading, then rows while comparing, ending complete', async () => {
    const seen: Progress[] = [];
    const text = await (async () => {
      let s = '';
      for await (const c of ndjsonRecords(3000)) s += c as string;
      return s;
    })();
    const r = await diffSnapshot(
      store,
      'big',
      { format: 'ndjson', body: textChunks(text), size: text.length },
      { tmpDir: spill.dir },
      { onProgress: (p) => seen.push(p) },
    );
    expect(r.summary.equal).toBe(3000);
    const load = seen.filter((p) => p.phase === 'load');
    const cmp = seen.filter((p) => p.phase === 'compare');
    expect(load.at(-1)).toEqual({ done: text.length, total: text.length, unit: 'bytes', phase: 'load' });
    expect(cmp.at(-1)).toEqual({ done: 6000, total: 6000, unit: 'rows', phase: 'compare' });
    expect(seen.indexOf(load.at(-1)!)).toBeLessThan(seen.indexOf(cmp[0]!));
  });

  it('waits for a slow onRow (back-pressure) and lets the event loop run', async () => {
    let inFlight = false;
    let overlapped = false;
    let calls = 0;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await diffSnapshot(
        store,
        'big',
        { format: 'csv', body: textChunks('key,v\n') },
        {
          tmpDir: spill.dir,
          pageSize: 500,
          onRow: async () => {
            if (inFlight) overlapped = true;
            inFlight = true;
            calls++;
            if (calls % 100 === 0) await new Promise((r) => setTimeout(r, 1));
            inFlight = false;
          },
        },
      );
    } finally {
      clearInterval(timer);
    }
    expect(calls).toBe(3000);
    expect(overlapped).toBe(false);
    expect(ticks).toBeGreaterThan(0);
  });
});
