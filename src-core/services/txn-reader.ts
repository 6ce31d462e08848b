/**
 * Reading a topic's log as import units (`ImportTxn`: each transaction's `TxnInfo` and its events
 * exactly as read), in txn order from `afterTxn`, through the public `EventStore` reads only, so
 * any backend can be a source: a page of transactions (`listTxns`), then their events by seq
 * (`readEvents`, several pages where a page of transactions holds more events than one read
 * returns). The two reads are not one snapshot: a marker committed between them would show in
 * the events' `invalid` flags and not in the transactions (or the other way round), so a page
 * whose two reads disagree is read again, until they agree.
 */
import { TidemarkError } from '../model/errors';
import type { ImportTxn } from '../model/integrity';
import { LIMITS } from '../model/limits';
import type { StoredEvent, TxnInfo } from '../model/types';
import type { EventStore } from '../store/types';

export interface TxnReadOptions {
  /** Start after this transaction (default 0: from the first). */
  afterTxn?: number;
  /** Stop after this transaction (default: the end of the log as it grows while read). */
  untilTxn?: number;
  /** Transactions per `listTxns` page (default 500). */
  pageTxns?: number;
  signal?: AbortSignal;
}

/** Events one page holds at most (a page of transactions is cut before it would hold more). */
const EVENTS_PER_PAGE = 20_000;

/** Reads of one page that disagree this many times in a row are an error (the source keeps changing). */
const RETRIES = 20;

async function eventsOf(store: EventStore, topic: string, txns: readonly TxnInfo[]): Promise<StoredEvent[]> {
  const first = txns[0]!.firstSeq;
  const last = txns[txns.length - 1]!.lastSeq;
  const out: StoredEvent[] = [];
  let after = first - 1;
  while (after < last) {
    // Seqs are dense: exactly the events up to `last` (a server takes `before` only with desc).
    const page = await store.readEvents(topic, { after, limit: Math.min(LIMITS.pageMax, last - after) });
    if (page.events.length === 0) break;
    out.push(...page.events);
    after = page.events[page.events.length - 1]!.seq;
  }
  return out;
}

/** The units of one page of transactions, or null when its reads disagree (read it again). */
function unitsOf(txns: readonly TxnInfo[], events: readonly StoredEvent[]): ImportTxn[] | null {
  const units: ImportTxn[] = [];
  let i = 0;
  for (const t of txns) {
    const evs: StoredEvent[] = [];
    for (; i < events.length && events[i]!.seq <= t.lastSeq; i++) evs.push(events[i]!);
    if (evs.length !== t.count) return null;
    if (evs.some((e) => (e.invalid === true) !== (t.invalidatedBy !== null))) return null;
    units.push({ txn: t, events: evs });
  }
  return units;
}

/** The topic's transactions after `afterTxn`, in order, as import units. */
export async function* readImportTxns(
  store: EventStore,
  topic: string,
  opts: TxnReadOptions = {},
): AsyncGenerator<ImportTxn> {
  let after = opts.afterTxn ?? 0;
  const limit = Math.min(opts.pageTxns ?? 500, LIMITS.pageMax);
  for (;;) {
    if (opts.signal?.aborted === true) throw new TidemarkError('CANCELLED', 'reading the source was cancelled');
    const want = opts.untilTxn === undefined ? limit : Math.min(limit, opts.untilTxn - after);
    if (want <= 0) return;
    let units: ImportTxn[] | null = null;
    let next: number | null = null;
    for (let attempt = 0; units === null; attempt++) {
      if (attempt > RETRIES) {
        throw new TidemarkError(
          'UNAVAILABLE',
          `topic "${topic}": its transactions after ${after} kept changing while read`,
        );
      }
      const page = await store.listTxns(topic, { after, limit: want });
      if (page.txns.length === 0) return;
      // At most about EVENTS_PER_PAGE events held at once (always at least one transaction).
      let n = 0;
      let cut = 0;
      while (cut < page.txns.length && (cut === 0 || n + page.txns[cut]!.count <= EVENTS_PER_PAGE)) {
        n += page.txns[cut]!.count;
        cut++;
      }
      const txns = page.txns.slice(0, cut);
      units = unitsOf(txns, await eventsOf(store, topic, txns));
      next = cut < page.txns.length ? txns[txns.length - 1]!.txn : page.next;
    }
    for (const u of units) yield u;
    after = units[units.length - 1]!.txn.txn;
    if (next === null) return;
  }
}
