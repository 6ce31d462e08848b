/**
 * `tidemark read --topic T [--after N] [--before N] [--limit N] [--order asc|desc] [--key K]
 * [--txn N] [--all]`: prints the topic's log (events and invalidation markers) in seq order, as
 * NDJSON (each line a stored event, exactly as the API returns it) or as a table. `--after` is the
 * cursor of ascending reads, `--before` of descending ones; giving the other one is an error rather
 * than being ignored. `--follow` keeps printing new events until Ctrl-C (see follow.ts). Over
 * HTTP, `--all` and a `--limit` above one page read one page ahead (services/pages.ts). The action
 * is run/read.ts.
 */
import { type Command, Option } from 'commander';
import { lazyAction } from './lazy-action';
import { addFormatOption, addOrderedCursorOptions, addStoreOptions, parsePositiveInt, topicOption } from './options';

export function registerRead(program: Command): void {
  const cmd = addOrderedCursorOptions(
    program
      .command('read')
      .description("print a topic's log (events and invalidation markers) in seq order")
      .addOption(topicOption()),
    'seq',
    'events',
  )
    .addOption(new Option('--key <key>', 'only events of this key'))
    .addOption(new Option('--txn <txn>', 'only events of this transaction').argParser(parsePositiveInt))
    .option('--all', 'print every event, page after page')
    .addOption(
      new Option(
        '--follow',
        'keep printing new events as they are committed, until Ctrl-C (starts at --after, default: the end)',
      ).conflicts(['before', 'limit', 'all', 'key', 'txn']),
    );
  addFormatOption(cmd);
  addStoreOptions(cmd);
  cmd.action(lazyAction(() => import('./run/read')));
}
