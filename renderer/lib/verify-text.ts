/**
 * What the app says of a verify (docs/renderer.md, "Verify"): one sentence for a result people can
 * read ("Verified 1,000,000 events in 4,210 transactions; head 9f2c…"), or the failure naming the
 * transaction and what was wrong; and the progress line while it runs. Pure: unit-tested.
 */
import type { VerifyResult, VerifyWhat } from '../../src-core/model/integrity';
import type { Progress } from '../../src-core/model/store-api';
import { fmtNum } from './format';

const plural = (n: number, one: string, many: string): string => `${fmtNum(n)} ${n === 1 ? one : many}`;

/** The first 4 hex digits of a chain and an ellipsis, or "none" for an empty topic. */
export function shortChain(chain: string | null): string {
  return chain === null ? 'none' : `${chain.slice(0, 4)}…`;
}

/** Each `what` in words. */
export const WHAT_TEXT: Record<VerifyWhat, string> = {
  data: 'an event’s data was changed',
  hash: 'an event’s stored hash was changed',
  chain: 'the chain does not match (time, by, meta, keys, order or the link)',
  numbering: 'transactions or events are missing or out of order',
  marker: 'invalidations do not match their markers',
  surface: 'the surface does not match the log',
  counters: 'the topic’s counters do not match the log',
  anchor: 'the expected head is not in the log',
};

/** The headline of a result. */
export function verifyHeadline(r: VerifyResult): string {
  const counted = `${plural(r.events, 'event', 'events')} in ${plural(r.txns, 'transaction', 'transactions')}`;
  if (r.ok) return `Verified ${counted}; head ${shortChain(r.head)}`;
  const bad = r.firstBad!;
  const where = bad.txn === null ? '' : ` at transaction ${fmtNum(bad.txn)}`;
  return `Verification failed${where}: ${WHAT_TEXT[bad.what]} (${bad.what}). Checked ${counted} before it.`;
}

/** The progress line: transactions checked of the total. */
export function verifyProgressText(p: Progress | null): string {
  if (p === null || p.total === null) return 'Verifying…';
  return `Verifying: ${fmtNum(p.done)} of ${plural(p.total, 'transaction', 'transactions')}`;
}
