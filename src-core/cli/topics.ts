/**
 * `tidemark topics`: lists every topic with its counters (events, surface keys, max seq and txn,
 * invalid transactions, last write time), as NDJSON (each line a TopicInfo) or a table. The action
 * is run/topics.ts.
 */
import type { Command } from 'commander';
import { lazyAction } from './lazy-action';
import { addFormatOption, addStoreOptions } from './options';

export function registerTopics(program: Command): void {
  const cmd = program.command('topics').description('list every topic with its counters');
  addFormatOption(cmd);
  addStoreOptions(cmd);
  cmd.action(lazyAction(() => import('./run/topics')));
}
