/**
 * The detail panel of one event: its facts (key, seq, txn, type, time, hash, content type, and for
 * markers what they invalidate and why), a link to its transaction and its data.
 */
import type { ReactNode } from 'react';
import type { StoredEvent } from '../../../src-core/model/types';
import { fmtTime } from '../../lib/format';
import { DetailPanel, type Fact } from './DetailPanel';

export function EventDetail({ topic, e, onClose }: { topic: string; e: StoredEvent; onClose: () => void }): ReactNode {
  const facts: Fact[] = [
    ['Key', <span className="mono">{e.key}</span>],
    ['Seq', e.seq],
    ['Txn', e.txn],
    ['Type', e.type],
    ['Time (UTC)', fmtTime(e.time)],
    ['Hash', <span className="mono small">{e.hash}</span>],
    ['Content type', e.contentType],
  ];
  if (e.invalid) facts.push(['Status', 'invalid (its transaction was invalidated)']);
  if (e.type === 'invalidate') facts.push(['Invalidates', `transaction ${e.target}`], ['Reason', e.reason]);
  return (
    <DetailPanel title={`Event ${e.seq}`} topic={topic} txn={e.txn} onClose={onClose} data={e.data} facts={facts} />
  );
}
