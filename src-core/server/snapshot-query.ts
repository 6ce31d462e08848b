/**
 * The query declarations of the two routes that take a snapshot body, `POST …/diff` and
 * `POST …/repair` (the repair's is the diff's without `asOfTxn`/`includeEqual`, plus its own).
 * The route table lists them; diff-route.ts and repair-route.ts read them with `queryValues`.
 */
import { LIMITS } from '../model/limits';
import { SNAPSHOT_FORMATS } from '../diff/format';
import { DIFF_ROWS_MAX } from '../diff/types';
import { type QueryParam, listParam, seqParam } from './query-schema';

/** The diff route's query, declared here and read by diff-route.ts through `queryValues`. */
export const DIFF_QUERY = {
  key: {
    type: 'string',
    maxLength: LIMITS.keyMax,
    description: 'the snapshot field holding the key (default `key`)',
  },
  fields: listParam('comma list of the fields to compare (default: every snapshot field but the key)'),
  ignore: listParam('comma list of fields never compared'),
  limit: {
    type: 'integer',
    min: 0,
    max: DIFF_ROWS_MAX,
    description: `rows returned (default ${LIMITS.diffRowsDefault}, at most ${DIFF_ROWS_MAX}); the summary is always complete`,
  },
  format: {
    type: 'enum',
    values: SNAPSHOT_FORMATS,
    description: 'the snapshot format, instead of the one the Content-Type names',
  },
  asOfTxn: seqParam('compare with the surface as it stood right after this transaction'),
  includeEqual: { type: 'enum', values: ['true', 'false'], description: '`true`: list equal keys too' },
  map: listParam(
    'comma list of `snapshotField:storeField`: renames snapshot fields (not the key) before comparing; `fields`, `ignore` and `tolerance` name the new names',
  ),
  tolerance: listParam(
    'a number for every numeric field, or a comma list of `field:number`: two numbers within it are equal (a CSV cell in JSON number grammar counts as a number)',
  ),
  normalise: listParam('comma list of `trim`, `case`: applied to strings on both sides before comparing'),
} as const satisfies Readonly<Record<string, QueryParam>>;

/**
 * The repair route's query: the diff's (without `asOfTxn` and `includeEqual`: a repair compares
 * with the current surface) and its own; read by repair-route.ts through `queryValues`.
 */
export const REPAIR_QUERY = {
  key: DIFF_QUERY.key,
  fields: DIFF_QUERY.fields,
  ignore: DIFF_QUERY.ignore,
  limit: {
    type: 'integer',
    min: 0,
    max: DIFF_ROWS_MAX,
    description: `events returned (default ${LIMITS.diffRowsDefault}, at most ${DIFF_ROWS_MAX}); \`written\` counts them all`,
  },
  format: DIFF_QUERY.format,
  map: DIFF_QUERY.map,
  tolerance: DIFF_QUERY.tolerance,
  normalise: DIFF_QUERY.normalise,
  include: listParam(
    'comma list of `different`, `missingInStore`, `missingInSnapshot`: what to repair (default `different,missingInStore`)',
  ),
  reason: {
    type: 'string',
    maxLength: LIMITS.reasonMax,
    description: "why (1-1000 characters; required): stored in every transaction's `meta.repair`",
  },
  dryRun: {
    type: 'enum',
    values: ['true', 'false'],
    description: '`true`: answer with what would be written; write nothing',
  },
  expectMaxSeq: seqParam(
    '409 and nothing written unless the topic is at this seq (the `asOf.maxSeq` of the diff reviewed)',
  ),
  name: {
    type: 'string',
    maxLength: LIMITS.reasonMax,
    description: "the snapshot's file name, recorded in `meta.repair.snapshot.name`",
  },
} as const satisfies Readonly<Record<string, QueryParam>>;
