/**
 * The import runner of the New transaction editor: transactions written in order with the note,
 * Cancel stopping after the current one, a refusal stopping there, and the sentence that says
 * exactly what was written.
 */
import { describe, expect, it } from 'vitest';
import type { AppendRequest, AppendResponse, EventInput } from '../../src-core/model/types';
import { LIMITS } from '../../src-core/model/limits';
import { importFileRefusal, importSummary, importTxns } from './txn-import';

const txns = (sizes: number[]): EventInput[][] =>
  sizes.map((n, t) => Array.from({ length: n }, (_, i) => ({ key: `t${t}-${i}`, data: i })));

/** A store stand-in numbering transactions from `first`; `dupes` keys are reported duplicate. */
function fakeAppend(first: number, opts: { failAt?: number; dupes?: Set<string> } = {}) {
  const seen: AppendRequest[] = [];
  let next = first;
  const append = (req: AppendRequest): Promise<AppendResponse> => {
    seen.push(req);
    if (opts.failAt === seen.length) return Promise.reject(new Error('events[0].key: must be 1 to 1024 characters'));
    const results = req.events.map((e, i) => ({ seq: i + 1, txn: next, duplicate: opts.dupes?.has(e.key) ?? false }));
    const all = results.every((r) => r.duplicate);
    const txn = all ? null : next++;
    return Promise.resolve({ txn, results });
  };
  return { append, seen };
}

describe('importTxns', () => {
  it('writes every transaction in order with the meta, and says so', async () => {
    const f = fakeAppend(12);
    const progress: number[] = [];
    const o = await importTxns(
      f.append,
      txns([10_000, 10_000, 10_000, 10_000]),
      { note: 'n' },
      {
        cancelled: () => false,
        onProgress: (p) => progress.push(p.txnsDone),
      },
    );
    expect(f.seen.map((r) => r.meta)).toEqual([{ note: 'n' }, { note: 'n' }, { note: 'n' }, { note: 'n' }]);
    expect(progress).toEqual([1, 2, 3, 4]);
    expect(o).toMatchObject({ end: 'done', firstTxn: 12, lastTxn: 15, eventsDone: 40_000, txnsDone: 4 });
    expect(importSummary(o)).toBe('Wrote txns 12-15 (40,000 events).');
  });

  it('Cancel stops after the current transaction and the summary names what was and was not written', async () => {
    const f = fakeAppend(12);
    let cancel = false;
    const o = await importTxns(f.append, txns([10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 5_000]), null, {
      cancelled: () => cancel,
      onProgress: (p) => {
        if (p.txnsDone === 4) cancel = true;
      },
    });
    expect(f.seen).toHaveLength(4);
    expect(f.seen[0]!.meta).toBeUndefined();
    expect(importSummary(o)).toBe(
      'Wrote txns 12-15 (40,000 events); cancelled before the rest (3 transactions, 25,000 events).',
    );
  });

  it('a refused transaction stops the import there, with the store message', async () => {
    const f = fakeAppend(3, { failAt: 2 });
    const o = await importTxns(f.append, txns([2, 2, 2]), null, { cancelled: () => false });
    expect(f.seen).toHaveLength(2);
    expect(o).toMatchObject({ end: 'failed', txnsDone: 1, firstTxn: 3, lastTxn: 3 });
    expect(importSummary(o)).toBe(
      'Wrote txn 3 (2 events); then a transaction was refused, nothing of it or after it was written (2 transactions, 4 events): events[0].key: must be 1 to 1024 characters.',
    );
  });

  it('counts duplicates, and an all-duplicate transaction uses no number', async () => {
    const f = fakeAppend(7, { dupes: new Set(['t0-0', 't0-1', 't1-0']) });
    const o = await importTxns(f.append, txns([2, 2]), null, { cancelled: () => false });
    expect(importSummary(o)).toBe('Wrote txn 7 (4 events, 3 of them duplicates not stored).');
    const g = fakeAppend(7, { dupes: new Set(['t0-0']) });
    expect(importSummary(await importTxns(g.append, txns([1]), null, { cancelled: () => false }))).toBe(
      'Wrote no new events (1 event, all duplicates).',
    );
  });
});

describe('importFileRefusal', () => {
  it('reads a file up to the limit and refuses one byte more, naming the file, both sizes and the CLI', () => {
    expect(importFileRefusal('a.ndjson', LIMITS.importFileBytesMax)).toBeNull();
    const msg = importFileRefusal('big.ndjson', LIMITS.importFileBytesMax + 1);
    expect(msg).toBe(
      'big.ndjson: 257 MiB is more than the 256 MiB the editor reads; write it with `tidemark write`, which streams a file of any size (nothing was written)',
    );
  });
});
