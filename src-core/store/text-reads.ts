/**
 * Reads that leave each event's data as the JSON text the backend stores (canonical JSON), for the
 * server, which writes pages from it without parsing and re-serialising it (model/stored-json.ts).
 * A backend that stores data as text (SQLite, PostgreSQL) offers them beside its `EventStore`
 * methods, with the same options, checks, errors and rows; the others are read the ordinary way.
 */
import type { EventTextPage, SurfaceTextPage, TxnTextDetail } from '../model/stored-json';
import type { ReadEventsOptions, SurfaceOptions } from '../model/types';
import type { EventStore } from './types';

export interface TextReads {
  /** `readEvents` with each event's data as its stored JSON text. */
  readEventsText(topic: string, opts?: ReadEventsOptions): Promise<EventTextPage>;
  /** `surface` with each row's data as its stored JSON text. */
  surfaceText(topic: string, opts?: SurfaceOptions): Promise<SurfaceTextPage>;
  /** `getTxn` with each event's data as its stored JSON text. */
  getTxnText(topic: string, txn: number): Promise<TxnTextDetail>;
}

/** The store's text reads, or null when it has none. */
export function textReadsOf(store: EventStore): (EventStore & TextReads) | null {
  const s = store as EventStore & Partial<TextReads>;
  return typeof s.readEventsText === 'function' &&
    typeof s.surfaceText === 'function' &&
    typeof s.getTxnText === 'function'
    ? (s as EventStore & TextReads)
    : null;
}
