/**
 * The property test of the contract: random transactions (repeated keys, duplicates, tombstones,
 * writer-supplied hashes, key-order variants of one object) interleaved with invalidations (of
 * data, of markers, of unknown txns, repeated), run on the store under test and on the in-memory
 * reference store (the oracle, ../oracle.ts). Every response must be the oracle's; then the log,
 * the transactions, the surfaces (valid, raw, and as of a random txn, read in random page sizes)
 * and the counters must equal the oracle's fold of the same log.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventInput, JsonValue } from '../../../src-core/model/types';
import type { EventStore } from '../../../src-core/store/types';
import type { MakeStore } from '../harness';
import { expectSameState, openOracle } from '../oracle';

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

/** A promise's value, or the code it rejected with. */
async function settled<T>(p: Promise<T>): Promise<{ value: T } | { code: unknown }> {
  try {
    return { value: await p };
  } catch (err) {
    return { code: (err as { code?: unknown }).code };
  }
}

/** Runs `ops` on the store and on the oracle alike; every answer must be the oracle's. */
async function runOps(store: EventStore, oracle: EventStore, topic: string, ops: Op[]): Promise<number> {
  let maxTxn = 0;
  for (const op of ops) {
    if (op.kind === 'append') {
      const events: EventInput[] = op.events.map((e) =>
        e.hash ? { key: e.key, data: e.data, hash: e.hash } : { key: e.key, data: e.data },
      );
      const expected = await oracle.append(topic, { events });
      expect(await store.append(topic, { events })).toEqual(expected);
      maxTxn = expected.txn ?? maxTxn;
    } else {
      const target = (op.pick % (maxTxn + 1)) + 1;
      const expected = await settled(oracle.invalidate(topic, target, `r${target}`));
      expect(await settled(store.invalidate(topic, target, `r${target}`))).toEqual(expected);
      if ('value' in expected && !expected.value.duplicate) maxTxn = expected.value.txn;
    }
  }
  return maxTxn;
}

export function propertyCases(makeStore: MakeStore, runs: number): void {
  describe('property: the store answers as the reference store folds the log', () => {
    it(`holds over ${runs} random histories`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(opArb, { minLength: 1, maxLength: 25 }),
          fc.nat(30),
          fc.integer({ min: 1, max: 4 }),
          async (ops, asOfPick, pageSize) => {
            const { store, cleanup } = await makeStore();
            const oracle = openOracle();
            try {
              const topic = 'prop';
              const maxTxn = await runOps(store, oracle, topic, ops);
              await expectSameState(store, oracle, topic, { pageSize, asOfTxn: asOfPick % (maxTxn + 2) });
            } finally {
              await oracle.close();
              await cleanup();
            }
          },
        ),
        { numRuns: runs },
      );
    });
  });
}
