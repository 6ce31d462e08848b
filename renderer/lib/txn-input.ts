/**
 * Reading a transaction number typed by a person (the Events "Filter by txn" box and the
 * Transactions "Go to txn" box share one rule): surrounding spaces ignored, then the product's one
 * transaction-number rule (model/parse.ts: plain decimal from 1).
 */
import { parseTxn } from '../../src-core/model/parse';

/** `undefined` when the box is empty, the number when it is valid, `'bad'` otherwise. */
export function parseTxnInput(s: string): number | undefined | 'bad' {
  const t = s.trim();
  if (t === '') return undefined;
  return parseTxn(t) ?? 'bad';
}
