/**
 * `tidemark diff (--db FILE | --url URL [--token T] | --pg URL) --topic T --file SNAPSHOT
 * [--format csv|json|ndjson] [--key K] [--fields a,b] [--ignore c] [--map from:to,…]
 * [--tolerance N|field:N,…] [--normalise trim,case] [--limit N] [--as-of-txn N]
 * [--out result.csv|result.ndjson] [--exit-code]`: compares the topic's surface with an upstream
 * snapshot file and prints the summary as ONE JSON line on stdout. The diff runs through the
 * store's services (`servicesFor`): with `--url` the file is streamed to the server's diff route,
 * which does the work next to the data; with `--db`/`--pg` it runs here. `--out` writes every
 * non-equal row (CSV or NDJSON by extension) to a temporary file renamed into place only on
 * success (services/save.ts). A progress bar goes to stderr when stderr is a terminal
 * (progress.ts); Ctrl-C cancels (the temporary spill and the partial file are removed either way).
 * With `--repair` it writes what makes the rows equal instead (diff-repair.ts). The action is
 * run/diff.ts.
 */
import { type Command, Option } from 'commander';
import { DIFF_ROWS_MAX } from '../diff/types';
import { addRepairOptions } from './diff-repair';
import { EXIT } from './exit-codes';
import { lazyAction } from './lazy-action';
import { addStoreOptions, parseNonNegativeInt, parseRange, topicOption } from './options';

export function registerDiff(program: Command): void {
  const cmd = program
    .command('diff')
    .description("compare a topic's surface with an upstream snapshot (CSV, JSON array or NDJSON)")
    .addOption(topicOption())
    .addOption(new Option('--file <path>', 'the snapshot file').makeOptionMandatory())
    .addOption(
      new Option('--format <format>', 'snapshot format (default: from the file extension)').choices([
        'csv',
        'json',
        'ndjson',
      ]),
    )
    .option('--key <field>', 'the snapshot field holding the entity key (default: key)')
    .option('--fields <list>', 'comma list of fields to compare (default: every snapshot field but the key)')
    .option('--ignore <list>', 'comma list of fields never compared')
    .option('--map <list>', 'comma list of snapshotField:storeField: rename snapshot fields before comparing')
    .option('--tolerance <n|list>', 'numbers within N are equal: one N, or a comma list of field:N')
    .option('--normalise <list>', 'comma list of trim, case: applied to strings on both sides')
    .addOption(
      new Option('--limit <n>', `rows kept in the result (0-${DIFF_ROWS_MAX}, default 1000)`).argParser(
        parseRange(0, DIFF_ROWS_MAX),
      ),
    )
    .addOption(
      new Option('--as-of-txn <txn>', 'compare with the surface as of this transaction').argParser(parseNonNegativeInt),
    )
    .option('--out <file>', 'write every non-equal row to this .csv or .ndjson file')
    .option('--exit-code', `exit with status ${EXIT.differences} when the snapshot and the surface differ`)
    .option('--progress', 'always show the progress bar on stderr')
    .option('--no-progress', 'never show the progress bar');
  addRepairOptions(cmd);
  addStoreOptions(cmd);
  cmd.action(lazyAction(() => import('./run/diff')));
}
