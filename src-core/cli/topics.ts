/**
 * `tidemark topics`: lists every topic with its counters (events, surface keys, max seq and txn,
 * invalid transactions, last write time), as NDJSON (each line a TopicInfo) or a table.
 */
import type { Command } from 'commander';
import type { TopicInfo } from '../model/types';
import { type StoreOptionValues, addFormatOption, addStoreOptions, resolveFormat, withStore } from './options';
import { type Column, RowPrinter } from './output';

interface TopicsOpts extends StoreOptionValues {
  format?: string;
}

export const TOPIC_COLUMNS: Column<TopicInfo>[] = [
  { header: 'topic', get: (t) => t.topic },
  { header: 'events', get: (t) => String(t.events), right: true },
  { header: 'keys', get: (t) => String(t.keys), right: true },
  { header: 'maxSeq', get: (t) => String(t.maxSeq), right: true },
  { header: 'maxTxn', get: (t) => String(t.maxTxn), right: true },
  { header: 'invalidTxns', get: (t) => String(t.invalidTxns), right: true },
  { header: 'lastTime', get: (t) => t.lastTime ?? '' },
];

export function registerTopics(program: Command): void {
  const cmd = program.command('topics').description('list every topic with its counters');
  addFormatOption(cmd);
  addStoreOptions(cmd);
  cmd.action(async (opts: TopicsOpts, command: Command) => {
    await withStore(command, opts, { mustExist: true }, async (store) => {
      const printer = new RowPrinter(resolveFormat(opts.format), TOPIC_COLUMNS);
      await printer.page(await store.listTopics());
      await printer.finish('no topics');
    });
  });
}
