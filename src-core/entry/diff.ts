/**
 * `tidemark/diff`: a topic's surface compared with an upstream snapshot (CSV, JSON array or NDJSON,
 * parsed as a stream). `diffSnapshot(store, topic, source, options, operation)` works over any
 * `EventStore`; the format helpers pick a snapshot's format from a file name or a Content-Type.
 */
export {
  diffSnapshot,
  DIFF_ROWS_MAX,
  type DiffOperation,
  type DiffOptions,
  type SnapshotSource,
  type SnapshotRecord,
  type Chunk,
} from '../diff/index';
export { SNAPSHOT_FORMATS, formatFromContentType, formatFromFileName, parseSnapshotFormat } from '../diff/format';
export type { SnapshotFormat } from '../model/store-api';
export type { DiffResult, DiffRow, DiffStatus, DiffSummary } from '../model/types';
