/**
 * One diff with awkward values, shared by the tests that compare exported diff files byte for
 * byte (test/export/diff-files.int.test.ts: the CLI and the desktop path; test/e2e/diff-export.e2e.ts:
 * the browser). Keys and values hold quotes, commas, semicolons, CR/LF, tabs, spaces at the ends,
 * formula-like text (`=`, `+`, `-`, `@`), numbers written as text and as JSON numbers (negative,
 * exponent, the largest safe integer), and Unicode beyond the BMP; the snapshot's members are not
 * in key order. Every status but `equal` appears, and one `equal` key is left out of the files.
 * Pure data: no test framework.
 */
import type { EventInput } from '../../src-core/model/types';

export const AWKWARD_TOPIC = 'awk.ward:topic';
/** The name the app gives its export (`:` is not safe in a file name). */
export const AWKWARD_FILE = 'awk.ward_topic-diff';

/** Written in this order, one transaction each (so seq and txn differ from key order). */
export const AWKWARD_TXNS: readonly EventInput[][] = [
  [
    { key: 'plain', data: { qty: 1, px: '10.5', note: 'ok' } },
    { key: '=SUM(A1:A9)', data: { qty: -5, px: '+3', note: 'say "hi", then\r\nbye' } },
  ],
  [
    { key: 'comma,key; semi', data: { qty: 1.5e-7, px: '-1.5e-7', note: '@mention' } },
    { key: 'ünïcödé 日本 😀', data: { qty: 0.1, px: '\ttab', note: ' spaced ' } },
  ],
  [
    { key: '-42', data: { qty: 9007199254740991, px: '-', note: '' } },
    { key: 'only "store"', data: { qty: null, px: '=HYPERLINK("http://x")', note: 'ｆｕｌｌ' } },
    // The newest event of a key is its surface row.
    { key: 'plain', data: { qty: 1, px: '10.5', note: 'ok' } },
  ],
];

/** The upstream snapshot, a JSON array (members deliberately out of order). */
export const AWKWARD_SNAPSHOT = JSON.stringify([
  { note: 'ok', key: 'plain', px: '10.5', qty: 1 },
  { px: '+3', qty: -5, key: '=SUM(A1:A9)', note: 'say "hi", then\nbye' },
  { qty: 1.5e-7, key: 'comma,key; semi', note: '@mention', px: '-1.5e-07' },
  { key: 'ünïcödé 日本 😀', px: '\ttab', qty: 0.1, note: 'spaced' },
  { key: '-42', note: '', qty: 9007199254740991, px: '-' },
  { px: '@SUM(1,2)', note: "'quoted", key: '+only snapshot\n', qty: -0.5 },
]);

export const AWKWARD_SNAPSHOT_NAME = 'upstream.json';

/** What the diff finds. */
export const AWKWARD_SUMMARY = {
  equal: 2,
  different: 3,
  missingInStore: 1,
  missingInSnapshot: 1,
  snapshotRecords: 6,
  surfaceRows: 6,
};

/** Comparison options for the same diff (the CLI's flags and the app's options say the same). */
export const AWKWARD_OPTIONS = { tolerance: { qty: 0.001 }, normalise: ['trim' as const] };
export const AWKWARD_OPTION_FLAGS = ['--tolerance', 'qty:0.001', '--normalise', 'trim'];
/** The app's export name with them. */
export const AWKWARD_OPTIONS_FILE = 'awk.ward_topic-diff_tol-qty-0.001_norm-trim';
