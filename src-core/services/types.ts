/**
 * `StoreServices`: the operations beyond `EventStore` (API.md's extra routes: preview an
 * invalidation, diff a snapshot, export the surface, load the sample data; later repair, verify,
 * copy). Every caller (the server's routes, the CLI, the Electron handlers and job workers) reaches
 * them through this one interface, and `servicesFor` (index.ts) is the one place that decides how:
 * over a local store (SQLite, PostgreSQL, the in-memory store) the generic implementation does the
 * work here (generic.ts); over an HTTP store the HTTP implementation calls the server's routes
 * (http.ts), so the work runs next to the data (a diff uploads the snapshot instead of pulling the
 * remote surface page by page). The live tail is not here: it is part of `EventStore` (`tail`).
 */
import type {
  ExportSurfaceRequest,
  InvalidatePreview,
  LongOperation,
  RepublishOptions,
  RepublishPreview,
  RepublishResult,
} from '../model/store-api';
import type { DiffResult, RepairInclude, RepairResult } from '../model/types';
import type { DiffOptions, SnapshotSource } from '../diff/types';
import type { SampleObserver } from './sample';

export type { SampleObserver };

/** What a caller may ask of a diff; where it spills and how it pages are the implementation's. */
export type ServiceDiffOptions = Omit<DiffOptions, 'tmpDir' | 'pageSize'>;

/**
 * A repair's options (docs/diff.md "Repair"): the diff's (minus `asOfTxn`, `includeEqual`, `onRow`:
 * a repair compares with the current surface) plus its own. `limit` is the number of events
 * returned (default 1000, at most 100,000), not of diff rows.
 */
export interface RepairOptions extends Omit<ServiceDiffOptions, 'asOfTxn' | 'includeEqual' | 'onRow'> {
  /** The categories written; default `different`, `missingInStore`. */
  include?: RepairInclude[];
  /** Why (1-1000 characters): stored in each transaction's `meta.repair`. Required. */
  reason: string;
  /** Answer with what would be written; write nothing. */
  dryRun?: boolean;
  /** CONFLICT (nothing written) unless the topic is at this seq: the `asOf.maxSeq` of the reviewed diff. */
  expectMaxSeq?: number;
  /** Only these keys (each must be a row of an included category); null or absent: every such row. */
  keys?: string[] | null;
  /** The snapshot's file name, for `meta.repair.snapshot.name`. */
  name?: string | null;
  /** Who writes (embedded callers only; over HTTP the server records the token's name). */
  by?: string | null;
}

/**
 * A surface export being produced: iterate it for the file's text (the CSV header first), in the
 * formats of export/surface.ts. `rows` counts the rows in the text yielded so far; `total` is the
 * row count when known up front (the valid view of a whole topic, looked up only when the caller
 * asked for progress), else null.
 */
export interface SurfaceExport extends AsyncIterable<string> {
  readonly rows: number;
  readonly total: number | null;
}

export interface StoreServices {
  /** What invalidating `txn` would change on the surface (at most `limit` rows, default 100). */
  previewInvalidation(topic: string, txn: number, limit?: number): Promise<InvalidatePreview>;
  /**
   * What re-publishing an invalidated transaction would write and skip (republish.ts; at most
   * `limit` rows of each, default 100), with the topic state it was computed on.
   */
  previewRepublish(topic: string, txn: number, limit?: number): Promise<RepublishPreview>;
  /**
   * Writes the keys of an invalidated transaction that the surface would show again, as one new
   * transaction with `meta.republishOf` (republish.ts). CONFLICT, nothing written, when
   * `opts.expectMaxSeq` is not the topic's state. Over HTTP `opts.by` is refused (the server sets it).
   */
  republish(topic: string, txn: number, opts?: RepublishOptions): Promise<RepublishResult>;
  /**
   * Compares the topic's surface with an upstream snapshot. Progress: bytes while the snapshot is
   * read (phase `load` here, `upload` when it is sent to a server), rows while comparing. `onRow`
   * sees every non-equal row (every row with `includeEqual`); `rows` holds the first `limit`.
   */
  diff(topic: string, source: SnapshotSource, opts?: ServiceDiffOptions, op?: LongOperation): Promise<DiffResult>;
  /**
   * Turns a diff into a correction, written atomically (docs/diff.md "Repair"): the events that
   * make the included categories (or the chosen keys) equal, in transactions of 10,000 events in
   * one commit, each carrying `meta.repair`. Progress as a diff's, then phase `writing`.
   */
  repair(topic: string, source: SnapshotSource, opts: RepairOptions, op?: LongOperation): Promise<RepairResult>;
  /**
   * Starts a surface export. Resolves once the first page has been read (a bad topic or option
   * rejects here, before anything is written); progress in rows goes to `op.onProgress`, and an
   * aborted `op.signal` ends the iteration with CANCELLED. A transfer cut short ends it with an
   * error, never with a short text.
   */
  exportSurface(topic: string, req: ExportSurfaceRequest, op?: LongOperation): Promise<SurfaceExport>;
  /**
   * Writes the demo topic (sample.ts) unless it has events already; returns its name. `observer`
   * is told of each write made in this process (the server's sample route counts them in its
   * metrics); over HTTP the server makes the writes, and counts them itself.
   */
  loadSample(observer?: SampleObserver): Promise<{ topic: string }>;
}
