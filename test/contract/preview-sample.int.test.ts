/**
 * `previewInvalidation` and `loadSampleData` (src-core/services/) over the SQLite backend. The preview must predict
 * exactly what invalidating does to the surface (checked by invalidating afterwards), list only
 * keys whose row changes, honour `limit`/`truncated`, and refuse marker and unknown transactions.
 * The sample loader writes the demo topic once (a few thousand trades, updates, a tombstone, one
 * invalidated transaction) and leaves an existing topic alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SurfaceRow } from '../../src-core/model/types';
import { previewInvalidation } from '../../src-core/services/preview';
import { SAMPLE_TOPIC, loadSampleData } from '../../src-core/services/sample';
import { type SqliteEventStore, openSqliteStore } from '../../src-core/store/sqlite';
import { expectCode, readAll, surfaceAll } from './harness';

let dir: string;
let store: SqliteEventStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-preview-'));
  store = openSqliteStore(join(dir, 's.db'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const byKey = (rows: SurfaceRow[]): Map<string, SurfaceRow> => new Map(rows.map((r) => [r.key, r]));

describe('previewInvalidation', () => {
  it('predicts exactly the surface change of invalidating', async () => {
    const t = 'p';
    await store.append(t, {
      events: [
        { key: 'a', data: 1 },
        { key: 'b', data: 1 },
        { key: 'c', data: null },
      ],
    }); // 1
    await store.append(t, {
      events: [
        { key: 'a', data: 2 },
        { key: 'b', data: null },
        { key: 'c', data: 2 },
        { key: 'd', data: 2 },
        { key: 'e', data: 2 },
        { key: 'a', data: 3 },
      ],
    }); // 2
    await store.append(t, { events: [{ key: 'e', data: 3 }] }); // 3: e overwritten later
    const preview = await previewInvalidation(store, t, 2);
    expect(preview).toMatchObject({ topic: t, txn: 2, keysTouched: 5, truncated: false });
    expect(preview.rows.map((r) => [r.key, r.before?.data ?? null, r.after?.data ?? null])).toEqual([
      ['a', 3, 1],
      ['b', null, 1],
      ['c', 2, null],
      ['d', 2, null],
    ]);
    const before = byKey(await surfaceAll(store, t));
    await store.invalidate(t, 2, 'check');
    const after = byKey(await surfaceAll(store, t));
    for (const row of preview.rows) {
      expect(row.before).toEqual(before.get(row.key) ?? null);
      expect(row.after).toEqual(after.get(row.key) ?? null);
    }
    expect(after.get('e')).toEqual(before.get('e'));
    const again = await previewInvalidation(store, t, 2);
    expect(again).toMatchObject({ rows: [], keysTouched: 5, truncated: false });
  });

  it('honours limit, and refuses markers and unknown transactions', async () => {
    const t = 'q';
    await store.append(t, { events: Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, data: i })) });
    const p = await previewInvalidation(store, t, 1, 5);
    expect(p.rows).toHaveLength(5);
    expect(p.truncated).toBe(true);
    expect(p.keysTouched).toBe(12);
    expect(p.rows.map((r) => r.key)).toEqual(['k0', 'k1', 'k10', 'k11', 'k2']);
    const full = await previewInvalidation(store, t, 1, 12);
    expect(full.truncated).toBe(false);
    const m = await store.invalidate(t, 1, 'x');
    await expectCode(previewInvalidation(store, t, m.txn), 'BAD_REQUEST', /marker/);
    await expectCode(previewInvalidation(store, t, 9), 'NOT_FOUND');
    await expectCode(previewInvalidation(store, t, 1, 0), 'BAD_REQUEST', /limit/);
  });
});

describe('loadSampleData', () => {
  it('writes a realistic demo topic once', async () => {
    expect(await loadSampleData(store)).toEqual({ topic: SAMPLE_TOPIC });
    const info = await store.topicInfo(SAMPLE_TOPIC);
    expect(info.events).toBeGreaterThan(2000);
    expect(info.maxTxn).toBeGreaterThanOrEqual(5);
    expect(info.invalidTxns).toBe(1);
    const log = await readAll(store, SAMPLE_TOPIC);
    expect(log.some((e) => e.type === 'event' && e.data === null)).toBe(true);
    expect(log.some((e) => e.invalid === true)).toBe(true);
    expect(new Set(log.filter((e) => e.type === 'event').map((e) => e.key)).size).toBeLessThan(log.length - 1);
    expect(info.keys).toBe((await surfaceAll(store, SAMPLE_TOPIC)).length);
    expect(await loadSampleData(store)).toEqual({ topic: SAMPLE_TOPIC });
    expect(await store.topicInfo(SAMPLE_TOPIC)).toEqual(info);
  });
});
