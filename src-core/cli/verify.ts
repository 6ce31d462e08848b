/**
 * `tidemark verify (--db FILE | --url URL [--token T] | --pg URL) [--topic T]... [--expect-head HEX]
 * [--format ndjson|table]`: verifies each named topic (every topic when none is named) with
 * `EventStore.verify` (docs/integrity.md) and prints one result per topic: NDJSON `{"topic",
 * ...VerifyResult}` lines, or a table (topic, ok, txns, events, head, what failed, legacy). A
 * progress bar (transactions checked of the topic's total) goes to stderr when it is a terminal.
 * `--expect-head` (an anchor recorded elsewhere) needs exactly one `--topic`. Exit status 0 when
 * every topic verified, EXIT.verifyFailed (4) when one did not (the others are still verified and
 * printed), 1 on an error, 2 on a usage error; Ctrl-C cancels. The action is run/verify.ts.
 */
import { type Command, Option } from 'commander';
import { checkExpectHead } from '../model/validate';
import { lazyAction } from './lazy-action';
import { addFormatOption, addStoreOptions, parserFrom, topicsOption } from './options';

const parseExpectHead = parserFrom((v: string) => checkExpectHead(v)!, 'expect-head');

export function registerVerify(program: Command): void {
  const cmd = program
    .command('verify')
    .description(
      "check that topics' stored logs are intact: numbering, data, hashes, chains, markers, surface, counters",
    )
    .addOption(topicsOption('verify'))
    .addOption(
      new Option('--expect-head <hex>', 'an anchor: a chain recorded elsewhere that must be in the log').argParser(
        parseExpectHead,
      ),
    )
    .option('--progress', 'always show the progress bar on stderr')
    .option('--no-progress', 'never show the progress bar');
  addFormatOption(cmd);
  addStoreOptions(cmd);
  cmd.action(lazyAction(() => import('./run/verify')));
}
