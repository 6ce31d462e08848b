/**
 * `tidemark write --topic T [--txn-size N] [--expect-max-seq N] [--meta JSON] [--by NAME]`: reads
 * NDJSON events
 * (`{"key","data"[,"hash","contentType"]}`, one per line) from stdin and writes them in
 * transactions of N events (default 1000), each carrying `--meta` and, on a local store, `by`
 * (`--by`, default the OS user name; a server records the token's name). Prints a one-line JSON summary on stdout; on a bad line
 * or a failed transaction the summary (of what stayed committed) gets an `error` field, stderr says
 * what happened in one line, and the exit code is 1. See write-events.ts for the rules. The action
 * is run/write.ts.
 */
import { type Command, Option } from 'commander';
import { LIMITS } from '../model/limits';
import { lazyAction } from './lazy-action';
import { addStoreOptions, byOption, metaOption, parseNonNegativeInt, parseRange, topicOption } from './options';

export function registerWrite(program: Command): void {
  const cmd = program
    .command('write')
    .description('write NDJSON events ({"key","data"[,"hash","contentType"]} per line) from stdin')
    .addOption(topicOption())
    .addOption(
      new Option('--txn-size <n>', `events per transaction (1-${LIMITS.eventsPerTxnMax})`)
        .argParser(parseRange(1, LIMITS.eventsPerTxnMax))
        .default(1000),
    )
    .addOption(
      new Option(
        '--expect-max-seq <n>',
        "fail (nothing written) unless the topic's max seq is n (0: empty topic); later transactions then expect the seq the previous one left",
      ).argParser(parseNonNegativeInt),
    )
    .addOption(metaOption('every transaction written'))
    .addOption(byOption())
    .option('--progress', 'always show the progress line on stderr')
    .option('--no-progress', 'never show the progress line');
  addStoreOptions(cmd);
  cmd.action(lazyAction(() => import('./run/write')));
}
