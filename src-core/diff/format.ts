/**
 * Snapshot formats, for the diff's callers that import them from here: the home is
 * src-core/wire/snapshot-format.ts (detection from a file name or a Content-Type, the upload's
 * Content-Type, the check of an explicit format), which the browser uses too.
 */
export {
  CONTENT_TYPES,
  SNAPSHOT_FORMATS,
  formatFromContentType,
  formatFromFileName,
  isSnapshotFormat,
  parseSnapshotFormat,
  resolveFormat,
} from '../wire/snapshot-format';
