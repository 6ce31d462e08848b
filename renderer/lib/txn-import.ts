/**
 * Writing events from the New transaction editor: one transaction, or a large file as consecutive
 * transactions (model/event-text.ts `splitIntoTxns`), each with the same `meta` (the note), one
 * after the other. Cancel stops after the transaction being written: what was written stays (each
 * transaction is all or nothing), the rest is not written, and `importSummary` says exactly which:
 * "Wrote txns 12-15 (40,000 events); cancelled before the rest (3 transactions, 25,000 events)".
 * A failure stops the same way, with the store's message. Pure apart from the injected `append`.
 */
import type { AppendRequest, AppendResponse, EventInput, JsonObject } from '../../src-core/model/types';
import { LIMITS } from '../../src-core/model/limits';
import { fmtNum } from './format';

/**
 * Why the editor will not read a file of `size` bytes (null: it will). The editor reads a file
 * whole, so `LIMITS.importFileBytesMax` bounds it; the CLI streams any size.
 */
export function importFileRefusal(name: string, size: number): string | null {
  if (size <= LIMITS.importFileBytesMax) return null;
  const mib = (n: number): string => `${fmtNum(Math.ceil(n / (1024 * 1024)))} MiB`;
  return `${name}: ${mib(size)} is more than the ${mib(LIMITS.importFileBytesMax)} the editor reads; write it with \`tidemark write\`, which streams a file of any size (nothing was written)`;
}

export interface ImportProgress {
  /** Transactions and events written so far, of the total. */
  txnsDone: number;
  txnsTotal: number;
  eventsDone: number;
  eventsTotal: number;
}

export interface ImportOutcome extends ImportProgress {
  /** The transaction numbers used (all-duplicate transactions use none). */
  firstTxn: number | null;
  lastTxn: number | null;
  /** Events not stored because they equal the key's newest valid event. */
  duplicates: number;
  /** How the import ended. */
  end: 'done' | 'cancelled' | 'failed';
  /** The store's message when it failed. */
  error: string | null;
}

export interface ImportControl {
  /** True once Cancel was pressed: no further transaction starts. */
  cancelled(): boolean;
  onProgress?: (p: ImportProgress) => void;
}

export async function importTxns(
  append: (req: AppendRequest) => Promise<AppendResponse>,
  txns: readonly EventInput[][],
  meta: JsonObject | null,
  control: ImportControl,
): Promise<ImportOutcome> {
  const out: ImportOutcome = {
    txnsDone: 0,
    txnsTotal: txns.length,
    eventsDone: 0,
    eventsTotal: txns.reduce((n, t) => n + t.length, 0),
    firstTxn: null,
    lastTxn: null,
    duplicates: 0,
    end: 'done',
    error: null,
  };
  for (const events of txns) {
    if (control.cancelled()) {
      out.end = 'cancelled';
      return out;
    }
    let res: AppendResponse;
    try {
      res = await append(meta === null ? { events } : { events, meta });
    } catch (err) {
      out.end = 'failed';
      out.error = err instanceof Error ? err.message : String((err as { message?: unknown }).message ?? err);
      return out;
    }
    out.txnsDone++;
    out.eventsDone += events.length;
    out.duplicates += res.results.filter((r) => r.duplicate).length;
    if (res.txn !== null) {
      out.firstTxn ??= res.txn;
      out.lastTxn = res.txn;
    }
    control.onProgress?.({ ...out });
  }
  return out;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${fmtNum(n)} ${n === 1 ? one : many}`;

/** What an import wrote, in one sentence (see the module comment). */
export function importSummary(o: ImportOutcome): string {
  const range =
    o.firstTxn === null ? null : o.firstTxn === o.lastTxn ? `txn ${o.firstTxn}` : `txns ${o.firstTxn}-${o.lastTxn}`;
  let wrote =
    o.txnsDone === 0
      ? 'Wrote nothing'
      : range === null
        ? `Wrote no new events (${plural(o.eventsDone, 'event')}, all duplicates)`
        : `Wrote ${range} (${plural(o.eventsDone, 'event')}${o.duplicates > 0 ? `, ${fmtNum(o.duplicates)} of them duplicates not stored` : ''})`;
  const rest = `${plural(o.txnsTotal - o.txnsDone, 'transaction')}, ${plural(o.eventsTotal - o.eventsDone, 'event')}`;
  if (o.end === 'cancelled') wrote += `; cancelled before the rest (${rest})`;
  if (o.end === 'failed')
    wrote += `; then a transaction was refused, nothing of it or after it was written (${rest}): ${o.error}`;
  return `${wrote}.`;
}
