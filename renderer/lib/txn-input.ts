/**
 * Reading a transaction number typed by a person (the Events "Filter by txn" box and the
 * Transactions "Go to txn" box share one rule): a whole number from 1, surrounding spaces ignored.
 */

/** `undefined` when the box is empty, the number when it is valid, `'bad'` otherwise. */
export function parseTxnInput(s: string): number | undefined | 'bad' {
  const t = s.trim();
  if (t === '') return undefined;
  return /^\d+$/.test(t) && Number(t) > 0 ? Number(t) : 'bad';
}
