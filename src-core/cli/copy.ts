/**
 * `tidemark copy --from STORE --to STORE [--from-token T] [--to-token T] [--from-pg-schema S]
 * [--to-pg-schema S] [--topic T]... [--follow]` (docs/cli.md, docs/operations.md): copies every
 * topic (or the named ones) with numbers, times, hashes, markers, meta and by preserved, through
 * services/copy.ts. A STORE is a file, a server URL or a PostgreSQL URL (store/open.ts
 * `storeSpecOptions`). Progress on stderr (one bar per topic and phase); a summary per topic on
 * stdout as NDJSON or a table (`{"topic","resumedAfter","imported","sourceHead","targetHead",
 * "equal","behind"}`); values the target cannot hold are listed on stdout, one JSON line each,
 * before the one-line error (nothing written). `--follow` keeps the target in step until Ctrl-C or
 * SIGTERM, then stops cleanly and prints the summary. Running it again resumes. The action is
 * run/copy.ts.
 */
import { type Command, Option } from 'commander';
import { lazyAction } from './lazy-action';
import { addFormatOption, addFromToOptions, topicsOption } from './options';

export function registerCopy(program: Command): void {
  const cmd = program
    .command('copy')
    .description(
      'copy topics from one store to another, numbers and chains preserved (resumable; --follow: a live replica)',
    )
    .addOption(topicsOption('copy'))
    .addOption(new Option('--follow', 'after catching up, keep the target in step until Ctrl-C or SIGTERM'))
    .addOption(new Option('--progress', 'draw the progress bar even when stderr is not a terminal'))
    .addOption(new Option('--no-progress', 'never draw the progress bar'));
  addFromToOptions(cmd, {
    from: 'the source: a SQLite file, a server URL or a PostgreSQL URL',
    to: 'the target: a SQLite file, a server URL (admin token) or a PostgreSQL URL',
  });
  addFormatOption(cmd);
  cmd.action(lazyAction(() => import('./run/copy')));
}
