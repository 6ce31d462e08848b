/**
 * Types of the diff area: what a snapshot parser yields (`SnapshotRecord`), where a snapshot comes
 * from (`SnapshotSource`), and the options of `diffSnapshot`. Pure types (no Node APIs), so the
 * renderer may import them.
 */
import type { SnapshotFormat } from '../model/store-api';
import { LIMITS } from '../model/limits';
import type { DiffRow, JsonValue } from '../model/types';
import type { NormaliseRule } from './rules';

export type { NormaliseRule };

export type { SnapshotFormat };

/** A chunk of snapshot bytes (UTF-8) or already-decoded text. */
export type Chunk = Uint8Array | string;

/** One record of a snapshot, as a parser yields it. */
export interface SnapshotRecord {
  /** 1-based record number (header and blank lines not counted). */
  n: number;
  /** 1-based line where the record starts in the file. */
  line?: number;
  record: Record<string, JsonValue>;
}

/** Where a snapshot comes from. A Node `Readable` is an `AsyncIterable` of chunks. */
export interface SnapshotSource {
  format: SnapshotFormat;
  body: AsyncIterable<Chunk>;
  /** Total size in bytes, when known (for progress). */
  size?: number | null;
}

export interface DiffOptions {
  /** The snapshot field holding the entity key. Default `key`. */
  keyField?: string;
  /** Fields to compare. Default: every field of each snapshot record except the key. */
  fields?: string[];
  /** Fields never compared. */
  ignore?: string[];
  /** Non-equal rows returned in `rows` (0 to DIFF_ROWS_MAX). Default 1000. */
  limit?: number;
  /** Also return (and pass to `onRow`) equal rows. Default false. */
  includeEqual?: boolean;
  /** Compare with the surface as it stood right after this transaction. */
  asOfTxn?: number;
  /**
   * Renames snapshot fields before comparing (snapshot field -> store field; never the key field,
   * no two onto one). `fields`, `ignore`, `tolerance` and the rows' snapshot records use the new names.
   */
  map?: Record<string, string>;
  /** Two numbers within this are equal: one for every field, or per field (not negative). */
  tolerance?: number | Record<string, number>;
  /** Applied to strings on both sides before comparing: `trim`, `case`. */
  normalise?: NormaliseRule[];
  /**
   * Called with every non-equal row (every row with `includeEqual`), in key order, not limited by
   * `limit`. If it returns a promise the diff waits for it (back-pressure for exports).
   */
  onRow?: (row: DiffRow) => void | Promise<void>;
  /** Directory for the temporary spill file. Default: the OS temp directory. */
  tmpDir?: string;
  /** Surface rows read per page (1 to 10,000; default 1,000; the first pages fewer). For tuning and tests. */
  pageSize?: number;
}

/** Most rows one diff returns in memory; export every row through `onRow` instead. */
export const DIFF_ROWS_MAX = LIMITS.diffRowsMax;
