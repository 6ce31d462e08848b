/**
 * The hash chain under concurrent writers on PostgreSQL: two store objects (two pools, as two
 * servers would have) append to, batch into and invalidate the same topic at once; the topic
 * lock orders them, so the log has one unbroken chain that recomputes link by link and ends at
 * the head.
 */
import { describe, expect, it } from 'vitest';
import type { PostgresEventStore } from '../../src-core/store/postgres';
import { expectChainHolds } from '../contract/oracle';
import { openShared } from './pg-helpers';
import { cleanupsAfterEach } from '../cleanups';

const cleanups = cleanupsAfterEach();

describe('PostgreSQL hash chain with concurrent writers', () => {
  it('two store objects writing one topic at once form one unbroken chain', async () => {
    const { stores } = await openShared(cleanups, { base: 'tm_chain_conc', n: 2 });
    const [a, b] = stores as [PostgresEventStore, PostgresEventStore];
    await a.append('t', { events: [{ key: 'seed', data: 0 }] });
    const writer = async (s: typeof a, name: string): Promise<void> => {
      for (let i = 0; i < 25; i++) {
        if (i % 5 === 4) {
          await s.appendBatch(
            [
              { topic: 't', events: [{ key: `${name}-${i}-x`, data: i }], meta: { i } },
              { topic: 't', events: [{ key: `${name}-${i}-y`, data: [i, name] }] },
            ],
            { atomic: true },
          );
        } else {
          await s.append('t', { events: [{ key: `${name}-${i % 3}`, data: { i, name } }], by: name });
        }
      }
    };
    await Promise.all([writer(a, 'a'), writer(b, 'b'), a.invalidate('t', 1, 'seed was wrong', { by: 'a' })]);
    const info = await a.topicInfo('t');
    expect(info.maxTxn).toBe(1 + 2 * (20 + 5 * 2) + 1);
    await expectChainHolds(a, 't');
    await expectChainHolds(b, 't');
  });
});
