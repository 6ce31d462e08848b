/**
 * `tidemark txns --topic T [--after N] [--before N] [--limit N] [--order asc|desc] [--all]`: lists
 * a topic's transactions (first/last seq, event count, commit time, who wrote it (`by`), whether
 * and why each was invalidated, and its `meta`), as NDJSON (each line a TxnInfo) or a table. Cursors work as in `tidemark read`;
 * over HTTP the page after is asked for while one is printed (services/pages.ts `txnPagesOf`).
 * The action is run/txns.ts.
 */
import type { Command } from 'commander';
import { lazyAction } from './lazy-action';
import { addFormatOption, addOrderedCursorOptions, addStoreOptions, topicOption } from './options';

export function registerTxns(program: Command): void {
  const cmd = addOrderedCursorOptions(
    program
      .command('txns')
      .description("list a topic's transactions and whether each is valid")
      .addOption(topicOption()),
    'txn',
    'transactions',
  ).option('--all', 'print every transaction, page after page');
  addFormatOption(cmd);
  addStoreOptions(cmd);
  cmd.action(lazyAction(() => import('./run/txns')));
}
