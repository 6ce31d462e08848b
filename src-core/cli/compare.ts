/**
 * `tidemark compare --from STORE --to STORE [--from-token T] [--to-token T] [--topic T]...`: are
 * two stores' logs the same, topic by topic (services/compare.ts: equal heads, else bisection over
 * the hash chains)? A STORE is a file, a server URL or a PostgreSQL URL (store/open.ts
 * `storeSpecOptions`). Prints one comparison per topic (NDJSON: a TopicComparison per line; table:
 * a sentence per topic); exits 0 when every topic is equal and EXIT.differences (3) when any
 * differs. A progress bar (topics compared) goes to stderr on a terminal; Ctrl-C cancels. The
 * action is run/compare.ts.
 */
import type { Command } from 'commander';
import { lazyAction } from './lazy-action';
import { addFormatOption, addFromToOptions, topicsOption } from './options';

export function registerCompare(program: Command): void {
  const cmd = program
    .command('compare')
    .description("are two stores' logs the same? (per topic: equal, missing, one a prefix, or where they diverge)")
    .addOption(topicsOption('compare'))
    .option('--progress', 'always show the progress bar on stderr')
    .option('--no-progress', 'never show the progress bar');
  addFromToOptions(cmd, {
    from: 'a store file, a server URL (http(s)://) or a PostgreSQL URL',
    to: 'the other store, named the same way',
  });
  addFormatOption(cmd);
  cmd.action(lazyAction(() => import('./run/compare')));
}
