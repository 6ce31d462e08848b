/**
 * Reads a topic's surface page by page in key order for the diff's merge, and can read ahead:
 * while the snapshot is being sorted (in the spill's worker thread) the main thread has nothing to
 * do, so `readAhead` fetches pages into a bounded buffer then, overlapping the store's work with
 * the sort. Pages are read one after another, not as one consistent snapshot: a write committed
 * during a diff may or may not be seen, depending on which page it lands in. A store that keeps
 * data as text (SQLite, PostgreSQL: store/text-reads.ts) is read with each row's data left as its
 * stored canonical JSON text (`SurfacePageRows.text`), so the merge parses a row only when it must
 * (index.ts); any other store is read the ordinary way.
 */
import { compareKeys } from '../model/canonical';
import { TidemarkError } from '../model/errors';
import { type SurfaceRowText, parsedSurfaceRow } from '../model/stored-json';
import type { SurfaceOptions, SurfaceRow } from '../model/types';
import { textReadsOf } from '../store/text-reads';
import type { EventStore } from '../store/types';
import { turn } from './pacer';

/** A page of the surface: rows whose data is the stored JSON text (`text`) or parsed. */
export type SurfacePageRows = { text: true; rows: SurfaceRowText[] } | { text: false; rows: SurfaceRow[] };

/** The row with its data parsed (a text row's data is the stored canonical JSON text). */
export function parsedRow(page: SurfacePageRows, i: number): SurfaceRow {
  return page.text ? parsedSurfaceRow(page.rows[i]!) : page.rows[i]!;
}

/**
 * Rows of the first page; each page after asks for twice as many, up to the page size. A page's
 * rows all live until the merge has passed them, and V8 decides once, at the first scavenge that
 * finds at least 100 of the objects a site allocated since the one before, whether that site (the
 * store's row literal) allocates straight into the old generation: if 85% of them are still alive
 * it does, for good, and every later page then lives in the old generation until a full collection.
 * With pages doubling from fewer than 100 rows, the rows alive at that first scavenge (one page)
 * are never much more than the rows of the pages already passed, so the decision is to keep them
 * young, and it stays so for the pages of any size that follow (docs/bench.md, "Wall, fourth pass").
 */
const FIRST_PAGE_ROWS = 64;

export class SurfaceReader {
  private pages: SurfacePageRows[] = [];
  private readonly texts: ReturnType<typeof textReadsOf>;
  private buffered = 0;
  private cursor: string | undefined;
  /** Rows asked for by the next fetch: FIRST_PAGE_ROWS, doubling up to `pageSize` (see below). */
  private limit: number;
  private end = false;
  /** The last key handed out by `next` (the order check). */
  private lastKey: string | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly topic: string,
    private readonly pageSize: number,
    private readonly asOfTxn: number | undefined,
  ) {
    this.texts = textReadsOf(store);
    this.limit = Math.min(pageSize, FIRST_PAGE_ROWS);
  }

  private async fetch(): Promise<void> {
    const opts: SurfaceOptions = { limit: this.limit };
    this.limit = Math.min(this.pageSize, this.limit * 2);
    if (this.cursor !== undefined) opts.after = this.cursor;
    if (this.asOfTxn !== undefined) opts.asOfTxn = this.asOfTxn;
    let page: SurfacePageRows;
    let next: string | null;
    if (this.texts !== null) {
      const p = await this.texts.surfaceText(this.topic, opts);
      page = { text: true, rows: p.rows };
      next = p.next;
    } else {
      const p = await this.store.surface(this.topic, opts);
      page = { text: false, rows: p.rows };
      next = p.next;
    }
    if (page.rows.length > 0) {
      this.pages.push(page);
      this.buffered += page.rows.length;
    }
    if (next === null) this.end = true;
    else this.cursor = next;
  }

  private checkOrder(page: SurfacePageRows): void {
    let last = this.lastKey;
    for (const { key } of page.rows) {
      if (last !== undefined && compareKeys(key, last) <= 0) {
        throw new TidemarkError(
          'INTERNAL',
          `the store returned the surface out of key order (${JSON.stringify(key)} after ${JSON.stringify(last)})`,
        );
      }
      last = key;
    }
    this.lastKey = last;
  }

  /** Fetches pages until `until` settles, the surface ends or `maxRows` are buffered. */
  async readAhead(until: Promise<unknown>, maxRows: number): Promise<void> {
    let settled = false;
    until.then(
      () => (settled = true),
      () => (settled = true),
    );
    // Let the event loop run between pages, so the worker's reply is noticed promptly.
    await turn();
    while (!settled && !this.end && this.buffered < maxRows) {
      await this.fetch();
      await turn();
    }
  }

  /**
   * The next page of rows in key order, or null after the last. The merge is only right if the
   * store pages in code-point order, so a page out of that order (within itself or after the last
   * page) is refused here, never guessed at.
   */
  async next(): Promise<SurfacePageRows | null> {
    for (;;) {
      const page = this.pages.shift();
      if (page !== undefined) {
        this.buffered -= page.rows.length;
        this.checkOrder(page);
        return page;
      }
      if (this.end) return null;
      await this.fetch();
    }
  }
}
