import { QueryClient, type InfiniteData } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { TxnPage } from '../../src-core/model/types';
import { afterInvalidate } from './invalidate';
import { keys } from './keys';

describe('cache effects', () => {
  it('marks the invalidated txn at once and invalidates exactly that topic and the topic list', async () => {
    const qc = new QueryClient();
    const txns: InfiniteData<TxnPage> = {
      pages: [
        {
          txns: [
            {
              txn: 2,
              firstSeq: 3,
              lastSeq: 3,
              count: 1,
              time: 't',
              invalidatedBy: null,
              reason: null,
              meta: null,
              by: null,
              chain: '0'.repeat(64),
            },
            {
              txn: 1,
              firstSeq: 1,
              lastSeq: 2,
              count: 2,
              time: 't',
              invalidatedBy: null,
              reason: null,
              meta: null,
              by: null,
              chain: '0'.repeat(64),
            },
          ],
          next: null,
        },
      ],
      pageParams: [undefined],
    };
    qc.setQueryData(keys.txns('t', { order: 'desc' }), txns);
    qc.setQueryData(keys.surface('t', { view: 'valid' }), { pages: [], pageParams: [] });
    qc.setQueryData(keys.surface('u', { view: 'valid' }), { pages: [], pageParams: [] });
    qc.setQueryData(keys.topics, []);
    await afterInvalidate(qc, 't', { seq: 4, txn: 3, target: 2, duplicate: false }, 'bad');
    const after = qc.getQueryData<InfiniteData<TxnPage>>(keys.txns('t', { order: 'desc' }))!;
    expect(after.pages[0]!.txns[0]).toMatchObject({ txn: 2, invalidatedBy: 4, reason: 'bad' });
    expect(after.pages[0]!.txns[1]).toMatchObject({ txn: 1, invalidatedBy: null });
    expect(qc.getQueryState(keys.surface('t', { view: 'valid' }))!.isInvalidated).toBe(true);
    expect(qc.getQueryState(keys.topics)!.isInvalidated).toBe(true);
    expect(qc.getQueryState(keys.surface('u', { view: 'valid' }))!.isInvalidated).toBe(false);
  });
});
