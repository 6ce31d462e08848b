/**
 * A batch's transactions are counted at once (metrics.ts `recordAppends`): the counters read as
 * if each transaction had been counted by `recordAppend`, duplicates and all-duplicate writes
 * (no transaction) included.
 */
import { describe, expect, it } from 'vitest';
import type { AppendResponse } from '../model/types';
import { ServerMetrics } from './metrics';

const batch: AppendResponse[] = [
  { txn: 4, results: [{ seq: 7, txn: 4, duplicate: false }] },
  { txn: null, results: [{ seq: 7, txn: 4, duplicate: true }] },
  {
    txn: 5,
    results: [
      { seq: 8, txn: 5, duplicate: false },
      { seq: 3, txn: 2, duplicate: true },
      { seq: 9, txn: 5, duplicate: false },
    ],
  },
];

async function counters(m: ServerMetrics): Promise<string> {
  const text = await m.registry.metrics();
  return text
    .split('\n')
    .filter((l) => /^tidemark_(events_written|txns_written|duplicates)_total /.test(l))
    .join('\n');
}

describe('ServerMetrics.recordAppends', () => {
  it('counts a batch as recordAppend counts each of its transactions', async () => {
    const one = new ServerMetrics();
    for (const r of batch) one.recordAppend(r);
    const all = new ServerMetrics();
    all.recordAppends(batch);
    all.recordAppends([]);
    expect(await counters(all)).toBe(await counters(one));
    expect(await counters(all)).toBe(
      'tidemark_events_written_total 3\ntidemark_txns_written_total 2\ntidemark_duplicates_total 2',
    );
  });
});
