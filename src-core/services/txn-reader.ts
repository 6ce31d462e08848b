/**
 * Reading a topic's log as import units (`ImportTxn`: each transaction's `TxnInfo` and its events
 * exactly as read), in txn order from `afterTxn`, through the public `EventStore` reads only, so
 * any backend can be a source: pages of transactions (`listTxns`, services/pages.ts `txnPagesOf`)
 * beside one read of the events from the first transaction's first seq on (`eventPagesOf`; a server
 * source reads both one page ahead, the server building the next while this side imports), each
 * transaction taking its events from that read. The two reads are not one snapshot: a marker
 * committed between them would show in the events' `invalid` flags and not in the transactions
 * (or the other way round), so at a transaction whose two reads disagree both are started again
 * from the transaction before it, until they agree.
 */
import { TidemarkError } from '../model/errors';
import type { ImportTxn } from '../model/integrity';
import { LIMITS } from '../model/limits';
import type { EventPage, StoredEvent, TxnInfo } from '../model/types';
import type { EventStore } from '../store/types';
import { eventPagesOf, txnPagesOf } from './pages';

export interface TxnReadOptions {
  /** Start after this transaction (default 0: from the first). */
  afterTxn?: number;
  /** Stop after this transaction (default: the end of the log as it grows while read). */
  untilTxn?: number;
  /** Transactions per `listTxns` page (default 500). */
  pageTxns?: number;
  signal?: AbortSignal;
}

/** Reads that disagree this many times in a row at one transaction are an error (the source keeps changing). */
const RETRIES = 20;

/**
 * The topic's events in seq order from `after` on, handed out by transaction. One read of the
 * pages to the end; when it has ended (the topic as it stood) and more is wanted, a new read from
 * the last event picks up what was committed since. `close` stops the read (and what it asked ahead).
 */
class EventRead {
  private pages: AsyncGenerator<EventPage, void, undefined> | null = null;
  private buf: StoredEvent[] = [];
  private i = 0;

  constructor(
    private readonly store: EventStore,
    private readonly topic: string,
    private pos: number,
  ) {}

  /** The events up to `lastSeq` not handed out yet (fewer when the store has no more). */
  async upTo(lastSeq: number): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    for (;;) {
      while (this.i < this.buf.length && this.buf[this.i]!.seq <= lastSeq) out.push(this.buf[this.i++]!);
      if (this.i < this.buf.length || this.pos >= lastSeq || !(await this.more())) return out;
    }
  }

  private async more(): Promise<boolean> {
    if (this.pages !== null) {
      const r = await this.pages.next();
      if (r.done !== true && r.value.events.length > 0) return this.fill(r.value.events);
      await this.close();
      // An empty page with a next cursor: no more here (the caller reads again).
      if (r.done !== true) return false;
    }
    this.pages = eventPagesOf(this.store, this.topic, { after: this.pos, limit: LIMITS.pageMax });
    const r = await this.pages.next();
    return r.done !== true && r.value.events.length > 0 && this.fill(r.value.events);
  }

  private fill(events: StoredEvent[]): true {
    this.buf = events;
    this.i = 0;
    this.pos = events[events.length - 1]!.seq;
    return true;
  }

  async close(): Promise<void> {
    const pages = this.pages;
    this.pages = null;
    await pages?.return(undefined);
  }
}

/** The unit of `t` from `events` (read up to its last seq), or null when the two reads disagree. */
function unitOf(t: TxnInfo, events: StoredEvent[]): ImportTxn | null {
  if (events.length !== t.count || events[0]?.seq !== t.firstSeq) return null;
  if (events.some((e) => (e.invalid === true) !== (t.invalidatedBy !== null))) return null;
  return { txn: t, events };
}

function cancelled(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** The topic's transactions after `afterTxn`, in order, as import units. */
export async function* readImportTxns(
  store: EventStore,
  topic: string,
  opts: TxnReadOptions = {},
): AsyncGenerator<ImportTxn> {
  let after = opts.afterTxn ?? 0;
  const limit = Math.min(opts.pageTxns ?? 500, LIMITS.pageMax);
  for (let attempt = 0; ; attempt++) {
    if (attempt > RETRIES) {
      throw new TidemarkError(
        'UNAVAILABLE',
        `topic "${topic}": its transactions after ${after} kept changing while read`,
      );
    }
    let events: EventRead | null = null;
    // Pages of `limit` transactions, none beyond `untilTxn` (transactions are numbered without gaps).
    const max = opts.untilTxn === undefined ? undefined : opts.untilTxn - after;
    if (max !== undefined && max <= 0) return;
    const txns = txnPagesOf(store, topic, { after, limit }, max);
    try {
      let agreed = true;
      while (agreed) {
        if (cancelled(opts.signal)) throw new TidemarkError('CANCELLED', 'reading the source was cancelled');
        const r = await txns.next();
        if (r.done === true) return;
        const page = r.value;
        if (page.txns.length === 0) return;
        events ??= new EventRead(store, topic, page.txns[0]!.firstSeq - 1);
        for (const t of page.txns) {
          const unit = unitOf(t, await events.upTo(t.lastSeq));
          if (unit === null) {
            agreed = false;
            break;
          }
          yield unit;
          after = t.txn;
          attempt = 0;
        }
        if (agreed && page.next === null) return;
      }
    } finally {
      await txns.return(undefined);
      await events?.close();
    }
  }
}
