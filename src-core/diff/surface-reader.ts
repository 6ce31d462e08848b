/**
 * Reads a topic's surface page by page in key order for the diff's merge, and can read ahead:
 * while the snapshot is being sorted (in the spill's worker thread) the main thread has nothing to
 * do, so `readAhead` fetches pages into a bounded buffer then, overlapping the store's work with
 * the sort. Pages are read one after another, not as one consistent snapshot: a write committed
 * during a diff may or may not be seen, depending on which page it lands in.
 */
import type { SurfaceOptions, SurfaceRow } from '../model/types';
import type { EventStore } from '../store/types';

export class SurfaceReader {
  private pages: SurfaceRow[][] = [];
  private buffered = 0;
  private cursor: string | undefined;
  private end = false;

  constructor(
    private readonly store: EventStore,
    private readonly topic: string,
    private readonly pageSize: number,
    private readonly asOfTxn: number | undefined,
  ) {}

  private async fetch(): Promise<void> {
    const opts: SurfaceOptions = { limit: this.pageSize };
    if (this.cursor !== undefined) opts.after = this.cursor;
    if (this.asOfTxn !== undefined) opts.asOfTxn = this.asOfTxn;
    const page = await this.store.surface(this.topic, opts);
    if (page.rows.length > 0) {
      this.pages.push(page.rows);
      this.buffered += page.rows.length;
    }
    if (page.next === null) this.end = true;
    else this.cursor = page.next;
  }

  /** Fetches pages until `until` settles, the surface ends or `maxRows` are buffered. */
  async readAhead(until: Promise<unknown>, maxRows: number): Promise<void> {
    let settled = false;
    until.then(
      () => (settled = true),
      () => (settled = true),
    );
    // Let the event loop run between pages, so the worker's reply is noticed promptly.
    const tick = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
    await tick();
    while (!settled && !this.end && this.buffered < maxRows) {
      await this.fetch();
      await tick();
    }
  }

  /** The next page of rows in key order, or null after the last. */
  async next(): Promise<SurfaceRow[] | null> {
    for (;;) {
      const page = this.pages.shift();
      if (page !== undefined) {
        this.buffered -= page.length;
        return page;
      }
      if (this.end) return null;
      await this.fetch();
    }
  }
}
