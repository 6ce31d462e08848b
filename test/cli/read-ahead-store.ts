/**
 * The store file the read-ahead tests (read-ahead.int.test.ts) read through a real server:
 * topic `big` (transactions of 1 to 9,000 events over 13 keys, so pages of 10,000 cut through
 * them, and two markers), topic `small` (one event) and topic `many` (one-event transactions
 * under keys that need escaping in every cursor, and two markers).
 */
import { openSqliteStore } from '../../src-core/store/sqlite/index';

/** Events and markers of topic `big`. */
export const TOTAL = 25_005;
/** Topic `many`: this many transactions of one event each under its own key, and two markers. */
export const MANY = 20_503;
/** The key of the many's `n`th event: odd characters everywhere, so every cursor needs escaping. */
export const keyOf = (n: number): string => `ключ "${n % 7}" \\ é😀 ${n}`;

/** Writes the store into a new SQLite file `file`. */
export async function writeReadAheadStore(file: string): Promise<void> {
  const store = openSqliteStore(file);
  try {
    // Transactions of 1 to 9,000 events, so pages of 10,000 cut through them.
    const sizes = [1, 3, 9000, 20, 7000, 1, 500, 8000, 478];
    let n = 0;
    for (const [t, size] of sizes.entries()) {
      const events = Array.from({ length: size }, (_, i) => ({
        key: `k${(n + i) % 13}`,
        data: (n + i) % 97 === 0 ? null : { n: n + i, s: 'é😀', t },
      }));
      n += size;
      await store.append('big', { events, meta: { t } });
    }
    await store.invalidate('big', 2, 'a marker in the middle');
    await store.invalidate('big', 8, 'and another');
    await store.append('small', { events: [{ key: 'a', data: 1 }] });
    for (let n = 0; n < MANY;) {
      const txns = [];
      for (; n < MANY && txns.length < 1000; n++) {
        txns.push({ topic: 'many', events: [{ key: keyOf(n), data: n % 997 === 5 ? null : { n } }], meta: { n } });
      }
      await store.appendBatch(txns);
    }
    await store.invalidate('many', 3, 'one marker');
    await store.invalidate('many', 15_000, 'another');
    if (n + 2 !== TOTAL) throw new Error(`the big topic has ${n + 2} entries, not ${TOTAL}`);
  } finally {
    await store.close();
  }
}
