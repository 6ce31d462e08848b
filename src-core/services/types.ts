/**
 * `StoreServices`: the operations beyond `EventStore` (API.md's extra routes: preview an
 * invalidation, diff a snapshot, export the surface, load the sample data; later repair, verify,
 * copy). Every caller (the server's routes, the CLI, the Electron handlers and job workers) reaches
 * them through this one interface, and `servicesFor` (index.ts) is the one place that decides how:
 * over a local store (SQLite, PostgreSQL, the in-memory store) the generic implementation does the
 * work here; over an HTTP store the HTTP implementation calls the server's routes, so the work runs
 * next to the data (a diff uploads the snapshot instead of pulling the remote surface page by page).
 * The live tail is not here: it is part of `EventStore` (`tail`).
 */
import type { ExportSurfaceRequest, InvalidatePreview, LongOperation } from '../model/store-api';
import type { DiffResult } from '../model/types';
import type { DiffOptions, SnapshotSource } from '../diff/types';

/** What a caller may ask of a diff; where it spills and how it pages are the implementation's. */
export type ServiceDiffOptions = Omit<DiffOptions, 'tmpDir' | 'pageSize' | 'nativeBinding'>;

/**
 * A surface export being produced: iterate it for the file's text (the CSV header first), in the
 * formats of export/surface.ts. `rows` counts the rows yielded so far; `total` is the row count
 * when known up front (the valid view of a whole topic), else null.
 */
export interface SurfaceExport extends AsyncIterable<string> {
  readonly rows: number;
  readonly total: number | null;
}

export interface StoreServices {
  /** What invalidating `txn` would change on the surface (at most `limit` rows). */
  previewInvalidation(topic: string, txn: number, limit?: number): Promise<InvalidatePreview>;
  /** Compares the topic's surface with an upstream snapshot. */
  diff(topic: string, source: SnapshotSource, opts?: ServiceDiffOptions, op?: LongOperation): Promise<DiffResult>;
  /**
   * Starts a surface export. Resolves once the first page has been read (a bad topic or option
   * rejects here, before anything is written); progress in rows goes to `op.onProgress`, and an
   * aborted `op.signal` ends the iteration with CANCELLED.
   */
  exportSurface(topic: string, req: ExportSurfaceRequest, op?: LongOperation): Promise<SurfaceExport>;
  /** Writes the demo topic (store/sample.ts) unless it has events already; returns its name. */
  loadSample(): Promise<{ topic: string }>;
}
