/**
 * The request of `POST /v1/topics/{topic}/repair` beside the snapshot bytes: its query (the diff's
 * query from diff-query.ts, without `asOfTxn`, plus `include` as a comma list, `reason`, `dryRun`,
 * `expectMaxSeq` and `name`, the snapshot's file name recorded in `meta.repair`), and the NDJSON
 * of the `keys` part of a multipart body (one JSON string per line, so any key can be named).
 * Pure: the browser adapter and the Node client share it.
 */
import type { RepairInclude } from '../model/types';
import { type DiffQueryOptions, diffQuery } from './diff-query';
import type { Query } from './query';

export interface RepairQueryOptions extends Omit<DiffQueryOptions, 'asOfTxn' | 'includeEqual'> {
  include?: readonly RepairInclude[] | undefined;
  reason: string;
  dryRun?: boolean | undefined;
  expectMaxSeq?: number | undefined;
  /** The snapshot's file name, for `meta.repair`. */
  name?: string | undefined;
}

export function repairQuery(opts: RepairQueryOptions): Query {
  const { include, reason, dryRun, expectMaxSeq, name, ...diff } = opts;
  return {
    ...diffQuery(diff),
    include: include !== undefined ? include.join(',') : undefined,
    reason,
    dryRun: dryRun === undefined ? undefined : String(dryRun),
    expectMaxSeq,
    name,
  };
}

/** The `keys` part: one JSON string per line. */
export function keysNdjson(keys: readonly string[]): string {
  return keys.map((k) => JSON.stringify(k) + '\n').join('');
}
