/**
 * The property test of the contract: random transactions (repeated keys, duplicates, tombstones,
 * writer-supplied hashes, key-order variants of one object) interleaved with invalidations (of
 * data, of markers, of unknown txns, repeated). Every response is checked against a naive model,
 * then the log is read back through `readEvents` and folded naively: the maintained surface (valid,
 * raw, and as of a random txn, read in random page sizes) and the topic counters must equal it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKeys } from '../../../src-core/model/canonical';
import { hashData } from '../../../src-core/store/hash';
import { INVALIDATE_KEY } from '../../../src-core/model/limits';
import type { AppendResponse, EventInput, JsonValue, StoredEvent, SurfaceRow } from '../../../src-core/model/types';
import type { EventStore } from '../../../src-core/store/types';
import { type MakeStore, readAll, surfaceAll } from '../harness';

const H1 = '1'.repeat(64);
const H2 = 'f'.repeat(64);

type Op =
  | { kind: 'append'; events: { key: string; data: JsonValue; hash: string | null }[] }
  | { kind: 'invalidate'; pick: number };

const keyArb = fc.constantFrom('a', 'b', 'c', 'ab', 'é', '😀');
const dataArb: fc.Arbitrary<JsonValue> = fc.constantFrom<JsonValue>(
  null,
  1,
  2,
  'x',
  [1, 2],
  { p: 1, q: 2 },
  { q: 2, p: 1 },
);
const eventArb = fc.record({
  key: keyArb,
  data: dataArb,
  hash: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(H1, H2) }),
});
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      events: fc.array(eventArb, { minLength: 1, maxLength: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('invalidate' as const), pick: fc.nat(30) }) },
);

interface MEvent {
  seq: number;
  txn: number;
  key: string;
  data: JsonValue;
  hash: string;
  marker: boolean;
  target?: number;
}

/** The naive model: a list of events and a map of invalidated txns. */
class Model {
  log: MEvent[] = [];
  invalidBy = new Map<number, MEvent>();
  maxTxn = 0;

  private head(key: string): MEvent | undefined {
    for (let i = this.log.length - 1; i >= 0; i--) {
      const e = this.log[i]!;
      if (!e.marker && e.key === key && !this.invalidBy.has(e.txn)) return e;
    }
    return undefined;
  }

  append(events: EventInput[]): AppendResponse {
    const txn = this.maxTxn + 1;
    const results: AppendResponse['results'] = [];
    let stored = 0;
    for (const e of events) {
      const hash = e.hash ?? hashData(e.data);
      const h = this.head(e.key);
      if (h && h.hash === hash) {
        results.push({ seq: h.seq, txn: h.txn, duplicate: true });
        continue;
      }
      const seq = this.log.length + 1;
      this.log.push({ seq, txn, key: e.key, data: e.data, hash, marker: false });
      results.push({ seq, txn, duplicate: false });
      stored++;
    }
    if (stored === 0) return { txn: null, results };
    this.maxTxn = txn;
    return { txn, results };
  }

  invalidate(target: number): { code: string } | { seq: number; txn: number; target: number; duplicate: boolean } {
    const inTxn = this.log.filter((e) => e.txn === target);
    if (inTxn.length === 0) return { code: 'NOT_FOUND' };
    if (inTxn[0]!.marker) return { code: 'BAD_REQUEST' };
    const existing = this.invalidBy.get(target);
    if (existing) return { seq: existing.seq, txn: existing.txn, target, duplicate: true };
    const m: MEvent = {
      seq: this.log.length + 1,
      txn: ++this.maxTxn,
      key: INVALIDATE_KEY,
      data: null,
      hash: '',
      marker: true,
      target,
    };
    this.log.push(m);
    this.invalidBy.set(target, m);
    return { seq: m.seq, txn: m.txn, target, duplicate: false };
  }
}

/** The surface by folding a log read back from the store. */
export function foldSurface(log: StoredEvent[], view: 'valid' | 'raw', asOfTxn?: number): SurfaceRow[] {
  const invalid = new Set(log.filter((e) => e.type === 'invalidate').map((e) => e.target!));
  const heads = new Map<string, StoredEvent>();
  for (const e of log) {
    if (e.type !== 'event') continue;
    if (asOfTxn !== undefined && e.txn > asOfTxn) continue;
    if (view === 'valid' && invalid.has(e.txn)) continue;
    heads.set(e.key, e);
  }
  return [...heads.values()]
    .filter((e) => e.data !== null)
    .sort((a, b) => compareKeys(a.key, b.key))
    .map((e) => {
      const row: SurfaceRow = { key: e.key, seq: e.seq, txn: e.txn, hash: e.hash, data: e.data, time: e.time };
      if (view === 'raw' && invalid.has(e.txn)) row.invalid = true;
      return row;
    });
}

async function runOps(store: EventStore, topic: string, ops: Op[]): Promise<Model> {
  const model = new Model();
  for (const op of ops) {
    if (op.kind === 'append') {
      const events: EventInput[] = op.events.map((e) =>
        e.hash ? { key: e.key, data: e.data, hash: e.hash } : { key: e.key, data: e.data },
      );
      expect(await store.append(topic, { events })).toEqual(model.append(events));
    } else {
      const target = (op.pick % (model.maxTxn + 1)) + 1;
      const expected = model.invalidate(target);
      if ('code' in expected) {
        await expect(store.invalidate(topic, target, `r${target}`)).rejects.toMatchObject({ code: expected.code });
      } else {
        expect(await store.invalidate(topic, target, `r${target}`)).toEqual(expected);
      }
    }
  }
  return model;
}

export function propertyCases(makeStore: MakeStore, runs: number): void {
  describe('property: maintained state equals a fold of the log', () => {
    it(`holds over ${runs} random histories`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(opArb, { minLength: 1, maxLength: 25 }),
          fc.nat(30),
          fc.integer({ min: 1, max: 4 }),
          async (ops, asOfPick, pageSize) => {
            const { store, cleanup } = await makeStore();
            try {
              const topic = 'prop';
              const model = await runOps(store, topic, ops);
              const log = await readAll(store, topic, pageSize + 1);
              expect(log.map((e) => [e.seq, e.txn, e.key, e.type, e.target])).toEqual(
                model.log.map((e) => [e.seq, e.txn, e.key, e.marker ? 'invalidate' : 'event', e.target]),
              );
              for (const e of log) {
                expect(e.invalid === true).toBe(model.invalidBy.has(e.txn));
              }
              const strip = (rows: SurfaceRow[]): unknown[] =>
                rows.map((r) => [r.key, r.seq, r.txn, r.hash, r.data, r.invalid ?? false]);
              for (const view of ['valid', 'raw'] as const) {
                expect(strip(await surfaceAll(store, topic, { view }, pageSize))).toEqual(
                  strip(foldSurface(log, view)),
                );
              }
              const asOf = asOfPick % (model.maxTxn + 2);
              expect(strip(await surfaceAll(store, topic, { asOfTxn: asOf }, pageSize))).toEqual(
                strip(foldSurface(log, 'valid', asOf)),
              );
              expect(strip(await surfaceAll(store, topic, { asOfTxn: asOf, view: 'raw' }, pageSize))).toEqual(
                strip(foldSurface(log, 'raw', asOf)),
              );
              if (log.length === 0) {
                await expect(store.topicInfo(topic)).rejects.toMatchObject({ code: 'NOT_FOUND' });
              } else {
                expect(await store.topicInfo(topic)).toMatchObject({
                  events: log.length,
                  maxSeq: log.length,
                  maxTxn: model.maxTxn,
                  invalidTxns: model.invalidBy.size,
                  keys: foldSurface(log, 'valid').length,
                });
              }
            } finally {
              await cleanup();
            }
          },
        ),
        { numRuns: runs },
      );
    });
  });
}
