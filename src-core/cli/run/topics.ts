/** What `tidemark topics` (../topics.ts) does: every topic with its counters, NDJSON or a table. */
import type { Command } from 'commander';
import type { TopicInfo } from '../../model/types';
import type { StoreOptionValues } from '../options';
import { withStore } from '../open-store';
import { type Column, RowPrinter, resolveFormat } from '../output';

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

export async function run(opts: TopicsOpts, command: Command): Promise<void> {
  await withStore(command, opts, { mustExist: true }, async (store) => {
    const printer = new RowPrinter(resolveFormat(opts.format), TOPIC_COLUMNS);
    await printer.page(await store.listTopics());
    await printer.finish('no topics');
  });
}
