/**
 * Contract cases for `StoreServices.repair` (docs/diff.md "Repair"), through `servicesFor(store)`
 * so every backend runs them (the generic service over SQLite, PostgreSQL and the memory store;
 * the HTTP service calling the server's route): after a repair, the same diff has no non-equal
 * row left in the repaired categories, on CSV, JSON and NDJSON snapshots; CSV cells take the
 * store's JSON types, unchanged fields are kept, map/tolerance/normalise are respected;
 * `meta.repair` and `by` are as specified; a stale `expectMaxSeq` and a dry run write nothing, and
 * the dry run answers the numbers the write then gets; chosen keys only; more than 10,000 events
 * are several consecutive transactions of one commit.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DiffStatus, JsonValue } from '../../../src-core/model/types';
import type { SnapshotFormat, SnapshotSource } from '../../../src-core/diff/types';
import { type RepairOptions, servicesFor } from '../../../src-core/services/index';
import { type StoreFixture, expectCode, freshTopic, readAll, surfaceAll } from '../harness';

function source(format: SnapshotFormat, text: string): SnapshotSource {
  async function* body(): AsyncGenerator<string> {
    yield text;
  }
  return { format, body: body(), size: Buffer.byteLength(text) };
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The statuses of the non-equal rows of a diff of `text`. */
async function remaining(fx: StoreFixture, topic: string, format: SnapshotFormat, text: string, opts: RepairOptions) {
  const { reason, include, dryRun, expectMaxSeq, keys, name, by, limit, ...diffOpts } = opts;
  void [reason, include, dryRun, expectMaxSeq, keys, name, by, limit];
  const d = await servicesFor(fx.store).diff(topic, source(format, text), diffOpts);
  return d.rows.map((r) => `${r.key}:${r.status}`);
}

async function seed(fx: StoreFixture, topic: string, rows: Record<string, JsonValue>): Promise<void> {
  await fx.store.append(topic, { events: Object.entries(rows).map(([key, data]) => ({ key, data })) });
}

const STORE = {
  a: { qty: 4, active: false, name: 'Alpha', note: 'kept' },
  b: { qty: 2, active: true, name: 'Beta', note: 'kept' },
  c: { qty: 3, active: true, name: 'Gamma', note: 'kept' },
  z: { qty: 9, active: true, name: 'Zed', note: 'kept' },
};

const SNAPSHOTS: Record<SnapshotFormat, string> = {
  csv: 'key,qty,active,name\na,5,true,Alpha\nb,2,true,Beta2\nc,3,true,Gamma\nd,7,false,Delta\n',
  json: JSON.stringify([
    { key: 'a', qty: 5, active: true, name: 'Alpha' },
    { key: 'b', qty: 2, active: true, name: 'Beta2' },
    { key: 'c', qty: 3, active: true, name: 'Gamma' },
    { key: 'd', qty: 7, active: false, name: 'Delta' },
  ]),
  ndjson:
    '{"key":"a","qty":5,"active":true,"name":"Alpha"}\n{"key":"b","qty":2,"active":true,"name":"Beta2"}\n' +
    '{"key":"c","qty":3,"active":true,"name":"Gamma"}\n{"key":"d","qty":7,"active":false,"name":"Delta"}\n',
};

export function repairCases(fx: StoreFixture): void {
  describe('repair', () => {
    for (const format of ['csv', 'json', 'ndjson'] as const) {
      it(`${format}: patches only the differing fields, in the store's types, and the diff is then equal`, async () => {
        const t = freshTopic();
        await seed(fx, t, STORE);
        const text = SNAPSHOTS[format];
        const res = await servicesFor(fx.store).repair(t, source(format, text), {
          reason: 'fix from upstream',
          name: `up.${format}`,
        });
        expect(res.summary).toMatchObject({ equal: 1, different: 2, missingInStore: 1, missingInSnapshot: 1 });
        expect(res).toMatchObject({ written: 3, txns: [2], dryRun: false, asOf: { maxSeq: 4, maxTxn: 1 } });
        const data = Object.fromEntries(res.events.map((e) => [e.key, e.data]));
        // Only the differing fields change; CSV "5" and "true" became a number and a boolean.
        expect(data).toEqual({
          a: { qty: 5, active: true, name: 'Alpha', note: 'kept' },
          b: { qty: 2, active: true, name: 'Beta2', note: 'kept' },
          d: format === 'csv' ? { qty: '7', active: 'false', name: 'Delta' } : { qty: 7, active: false, name: 'Delta' },
        });
        // Exactly as stored.
        expect(res.events).toEqual((await readAll(fx.store, t)).slice(4));
        // Only z (not in the snapshot, not included by default) is left.
        expect(await remaining(fx, t, format, text, { reason: 'x' })).toEqual(['z:missingInSnapshot']);
      });
    }

    it('missingInSnapshot writes tombstones when included', async () => {
      const t = freshTopic();
      await seed(fx, t, STORE);
      const res = await servicesFor(fx.store).repair(t, source('csv', SNAPSHOTS.csv), {
        reason: 'all',
        include: ['different', 'missingInStore', 'missingInSnapshot'],
      });
      expect(res.written).toBe(4);
      expect(res.events.find((e) => e.key === 'z')!.data).toBeNull();
      expect((await surfaceAll(fx.store, t)).map((r) => r.key)).toEqual(['a', 'b', 'c', 'd']);
      expect(await remaining(fx, t, 'csv', SNAPSHOTS.csv, { reason: 'x' })).toEqual([]);
    });

    it('records meta.repair and by exactly', async () => {
      const t = freshTopic();
      await seed(fx, t, STORE);
      const opts: RepairOptions = {
        reason: 'ticket 42',
        name: 'up.csv',
        include: ['different'],
        fields: ['qty', 'name'],
      };
      if (fx.store.kind !== 'http') opts.by = 'alice';
      const res = await servicesFor(fx.store).repair(t, source('csv', SNAPSHOTS.csv), opts);
      const info = (await fx.store.listTxns(t)).txns.find((x) => x.txn === res.txns[0])!;
      expect(info.meta).toEqual({
        repair: {
          reason: 'ticket 42',
          snapshot: { name: 'up.csv', sha256: sha(SNAPSHOTS.csv) },
          summary: res.summary,
          options: { include: ['different'], fields: ['qty', 'name'] },
        },
      });
      expect(info.by).toBe(fx.store.kind === 'http' ? null : 'alice');
    });

    it('keeps long options as their SHA-256', async () => {
      const t = freshTopic();
      await seed(fx, t, STORE);
      const ignore = Array.from({ length: 200 }, (_, i) => `unused${i}`);
      const res = await servicesFor(fx.store).repair(t, source('json', SNAPSHOTS.json), { reason: 'r', ignore });
      const info = (await fx.store.listTxns(t)).txns.find((x) => x.txn === res.txns[0])!;
      const options = (info.meta!.repair as { options: Record<string, unknown> }).options;
      expect(Object.keys(options)).toEqual(['sha256']);
      expect(options.sha256).toMatch(/^[0-9a-f]{64}$/);
    });

    it('respects map, tolerance and normalise: fields equal under them are not changed', async () => {
      const t = freshTopic();
      await seed(fx, t, { a: { price: 10.004, label: 'Alpha', n: 1 }, b: { price: 11, label: 'beta ', n: 1 } });
      const text = 'id,cost,label,n\na,10,ALPHA,2\nb,12,Beta,1\n';
      const opts: RepairOptions = {
        reason: 'r',
        keyField: 'id',
        map: { cost: 'price' },
        tolerance: { price: 0.01 },
        normalise: ['trim', 'case'],
      };
      const res = await servicesFor(fx.store).repair(t, source('csv', text), opts);
      expect(res.events.map((e) => [e.key, e.data])).toEqual([
        ['a', { price: 10.004, label: 'Alpha', n: 2 }],
        ['b', { price: 12, label: 'beta ', n: 1 }],
      ]);
      expect(await remaining(fx, t, 'csv', text, opts)).toEqual([]);
    });

    it('refuses a cell that cannot take the store type, naming key and field; nothing written', async () => {
      const t = freshTopic();
      await seed(fx, t, STORE);
      await expectCode(
        servicesFor(fx.store).repair(t, source('csv', 'key,qty\na,many\n'), { reason: 'r' }),
        'BAD_REQUEST',
        /key "a", field "qty".*number/,
      );
      await expectCode(
        servicesFor(fx.store).repair(t, source('csv', 'key,qty\na,5.0\n'), { reason: 'r' }),
        'BAD_REQUEST',
        /key "a", field "qty".*tolerance/,
      );
      expect((await fx.store.topicInfo(t)).maxSeq).toBe(4);
    });

    it('a stale expectMaxSeq writes nothing', async () => {
      const t = freshTopic();
      await seed(fx, t, STORE);
      const before = await fx.store.topicInfo(t);
      await expectCode(
        servicesFor(fx.store).repair(t, source('csv', SNAPSHOTS.csv), { reason: 'r', expectMaxSeq: 3 }),
        'CONFLICT',
        /expectMaxSeq/,
      );
      expect(await fx.store.topicInfo(t)).toEqual(before);
      const ok = await servicesFor(fx.store).repair(t, source('csv', SNAPSHOTS.csv), { reason: 'r', expectMaxSeq: 4 });
      expect(ok.written).toBe(3);
    });

    it('dryRun writes nothing and answers what the write then gets', async () => {
      const t = freshTopic();
      await seed(fx, t, STORE);
      const before = await fx.store.topicInfo(t);
      const dry = await servicesFor(fx.store).repair(t, source('ndjson', SNAPSHOTS.ndjson), {
        reason: 'r',
        dryRun: true,
      });
      expect(await fx.store.topicInfo(t)).toEqual(before);
      const real = await servicesFor(fx.store).repair(t, source('ndjson', SNAPSHOTS.ndjson), { reason: 'r' });
      const noTime = (e: { time: string }) => ({ ...e, time: '' });
      expect({ ...dry, dryRun: false, events: dry.events.map(noTime) }).toEqual({
        ...real,
        events: real.events.map(noTime),
      });
      expect(dry.dryRun).toBe(true);
    });

    it('repairs the chosen keys only, and refuses a key that is no row to repair', async () => {
      const t = freshTopic();
      await seed(fx, t, STORE);
      const res = await servicesFor(fx.store).repair(t, source('json', SNAPSHOTS.json), {
        reason: 'r',
        keys: ['b', 'd'],
      });
      expect(res.events.map((e) => e.key)).toEqual(['b', 'd']);
      expect(await remaining(fx, t, 'json', SNAPSHOTS.json, { reason: 'r' })).toEqual([
        'a:different',
        'z:missingInSnapshot',
      ]);
      await expectCode(
        servicesFor(fx.store).repair(t, source('json', SNAPSHOTS.json), { reason: 'r', keys: ['a', 'z'] }),
        'BAD_REQUEST',
        /keys: "z"/,
      );
      expect((await fx.store.topicInfo(t)).maxSeq).toBe(6);
    });

    it('refuses asOfTxn, a missing reason and an unknown category', async () => {
      const t = freshTopic();
      await seed(fx, t, STORE);
      const s = servicesFor(fx.store);
      await expectCode(
        s.repair(t, source('csv', SNAPSHOTS.csv), { reason: 'r', asOfTxn: 1 } as RepairOptions),
        'BAD_REQUEST',
        /asOfTxn/,
      );
      await expectCode(s.repair(t, source('csv', SNAPSHOTS.csv), {} as RepairOptions), 'BAD_REQUEST', /reason/);
      await expectCode(
        s.repair(t, source('csv', SNAPSHOTS.csv), { reason: 'r', include: ['equal' as DiffStatus as 'different'] }),
        'BAD_REQUEST',
        /include/,
      );
      expect((await fx.store.topicInfo(t)).maxSeq).toBe(4);
    });

    it('writes more than 10,000 events as consecutive transactions of one commit', async () => {
      const t = freshTopic();
      await seed(fx, t, { x: 1 });
      const n = 10_050;
      let text = 'key,v\n';
      for (let i = 0; i < n; i++) text += `k${String(i).padStart(5, '0')},${i}\n`;
      const res = await servicesFor(fx.store).repair(t, source('csv', text), { reason: 'bulk', limit: 2 });
      expect(res).toMatchObject({ written: n, txns: [2, 3] });
      expect(res.events.map((e) => [e.key, e.seq, e.txn])).toEqual([
        ['k00000', 2, 2],
        ['k00001', 3, 2],
      ]);
      const info = await fx.store.topicInfo(t);
      expect(info).toMatchObject({ maxSeq: n + 1, maxTxn: 3 });
    });
  });
}
