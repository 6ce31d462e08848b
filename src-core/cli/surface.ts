/**
 * `tidemark surface --topic T [--prefix P] [--view valid|raw] [--as-of-txn N] [--after KEY]
 * [--limit N] [--all]`: prints the topic's surface (the newest valid event of each key, tombstoned
 * keys left out) ordered by key, as NDJSON (each line a SurfaceRow as the API returns it) or a
 * table. `--view raw` takes the newest event whether valid or not and flags invalid rows;
 * `--as-of-txn N` shows the surface as it stood right after transaction N. Over HTTP the page after
 * is asked for while one is printed (services/pages.ts `surfacePagesOf`). The action is
 * run/surface.ts.
 */
import { type Command, Option } from 'commander';
import { lazyAction } from './lazy-action';
import { addFormatOption, addStoreOptions, parseNonNegativeInt, parsePositiveInt, topicOption } from './options';

export function registerSurface(program: Command): void {
  const cmd = program
    .command('surface')
    .description("print a topic's surface: the newest valid event of each key, ordered by key")
    .addOption(topicOption())
    .addOption(new Option('--prefix <prefix>', 'only keys starting with prefix'))
    .addOption(
      new Option('--view <view>', 'valid (newest valid event) or raw (newest event, invalid ones flagged)')
        .choices(['valid', 'raw'])
        .default('valid'),
    )
    .addOption(
      new Option('--as-of-txn <txn>', 'the surface as it stood right after this transaction').argParser(
        parseNonNegativeInt,
      ),
    )
    .addOption(new Option('--after <key>', 'start after this key (the cursor printed when rows remain)'))
    .addOption(
      new Option('--limit <n>', 'print at most n rows (default 100)').argParser(parsePositiveInt).conflicts('all'),
    )
    .option('--all', 'print every row, page after page');
  addFormatOption(cmd);
  addStoreOptions(cmd);
  cmd.action(lazyAction(() => import('./run/surface')));
}
