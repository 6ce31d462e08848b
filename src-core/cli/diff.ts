/**
 * `tidemark diff (--db FILE | --url URL [--token T] | --pg URL) --topic T --file SNAPSHOT
 * [--format csv|json|ndjson] [--key K] [--fields a,b] [--ignore c] [--limit N] [--as-of-txn N]
 * [--out result.csv|result.ndjson] [--exit-code]`: compares the topic's surface with an upstream
 * snapshot file and prints the summary as ONE JSON line on stdout. `--out` writes every non-equal
 * row (CSV or NDJSON by extension) to a `.partial` file renamed into place only on success. A
 * progress bar goes to stderr when stderr is a terminal (progress.ts). With `--url` the file
 * is streamed to the server's diff route (POST /v1/topics/T/diff), which does the work next to the
 * data; Ctrl-C cancels (the temporary spill is removed either way).
 */
import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { SingleBar } from 'cli-progress';
import { type Command, Option } from 'commander';
import { DiffRowWriter } from '../diff/export';
import { CONTENT_TYPES, resolveFormat } from '../diff/format';
import { exportFormatFromFileName } from '../export/names';
import { splitList } from '../diff/options';
import type { DiffOptions, SnapshotFormat } from '../diff/types';
import { DIFF_ROWS_MAX } from '../diff/types';
import { TidemarkError, badRequest, isErrorCode, notFound } from '../model/errors';
import type { Progress } from '../model/store-api';
import type { DiffRow, DiffSummary } from '../model/types';
import { HttpTransport, topicPath } from '../store/http/transport';
import {
  type StoreOptionValues,
  addStoreOptions,
  parseNonNegativeInt,
  parseRange,
  topicOption,
  withStore,
} from './options';
import { EXIT } from './exit-codes';
import { newProgressBar, progressWanted } from './progress';

interface DiffCliOpts extends StoreOptionValues {
  topic: string;
  file: string;
  format?: string;
  key?: string;
  fields?: string;
  ignore?: string;
  limit?: number;
  asOfTxn?: number;
  out?: string;
  exitCode?: boolean;
  progress?: boolean;
}

export function registerDiff(program: Command): void {
  const cmd = program
    .command('diff')
    .description("compare a topic's surface with an upstream snapshot (CSV, JSON array or NDJSON)")
    .addOption(topicOption())
    .addOption(new Option('--file <path>', 'the snapshot file').makeOptionMandatory())
    .addOption(
      new Option('--format <format>', 'snapshot format (default: from the file extension)').choices([
        'csv',
        'json',
        'ndjson',
      ]),
    )
    .option('--key <field>', 'the snapshot field holding the entity key (default: key)')
    .option('--fields <list>', 'comma list of fields to compare (default: every snapshot field but the key)')
    .option('--ignore <list>', 'comma list of fields never compared')
    .addOption(
      new Option('--limit <n>', `rows kept in the result (0-${DIFF_ROWS_MAX}, default 1000)`).argParser(
        parseRange(0, DIFF_ROWS_MAX),
      ),
    )
    .addOption(
      new Option('--as-of-txn <txn>', 'compare with the surface as of this transaction').argParser(parseNonNegativeInt),
    )
    .option('--out <file>', 'write every non-equal row to this .csv or .ndjson file')
    .option('--exit-code', `exit with status ${EXIT.differences} when the snapshot and the surface differ`)
    .option('--progress', 'always show the progress bar on stderr')
    .option('--no-progress', 'never show the progress bar');
  addStoreOptions(cmd);
  cmd.action(async (opts: DiffCliOpts, command: Command) => {
    const format = resolveFormat(opts.format, opts.file);
    let size: number;
    try {
      const st = statSync(opts.file);
      if (!st.isFile()) throw badRequest(`--file: ${opts.file} is not a file`);
      size = st.size;
    } catch (e) {
      if (e instanceof TidemarkError) throw e;
      throw notFound(`--file: cannot read ${opts.file}`);
    }
    const outFormat = opts.out !== undefined ? exportFormatFromFileName(opts.out, '--out') : null;
    const diffOpts = toDiffOptions(opts);
    const bar = new Bar(progressWanted(opts.progress));
    const ac = new AbortController();
    const onSigint = (): void => ac.abort();
    process.once('SIGINT', onSigint);
    const partial = opts.out !== undefined ? `${opts.out}.partial` : null;
    const writer =
      partial !== null && outFormat !== null ? new DiffRowWriter(outFormat, createWriteStream(partial)) : null;
    try {
      if (writer !== null) diffOpts.onRow = writer.write;
      const op = { onProgress: (p: Progress) => bar.update(p), signal: ac.signal };
      const summary =
        opts.url !== undefined
          ? await remoteDiff(opts, format, size, diffOpts, op)
          : await withStore(command, opts, { mustExist: true }, async (store) => {
              const { diffSnapshot } = await import('../diff/index');
              const body = createReadStream(opts.file);
              return (await diffSnapshot(store, opts.topic, { format, body, size }, diffOpts, op)).summary;
            });
      bar.stop();
      if (writer !== null && partial !== null && opts.out !== undefined) {
        await writer.end();
        renameSync(partial, opts.out);
      }
      process.stdout.write(JSON.stringify(summary) + '\n');
      const differs = summary.different + summary.missingInStore + summary.missingInSnapshot > 0;
      if (opts.exitCode === true && differs) process.exitCode = EXIT.differences;
    } catch (e) {
      bar.stop();
      if (partial !== null) rmSync(partial, { force: true });
      throw e;
    } finally {
      process.off('SIGINT', onSigint);
    }
  });
}

function toDiffOptions(opts: DiffCliOpts): DiffOptions {
  const d: DiffOptions = {};
  if (opts.key !== undefined) d.keyField = opts.key;
  if (opts.fields !== undefined) d.fields = splitList(opts.fields, '--fields');
  if (opts.ignore !== undefined) d.ignore = splitList(opts.ignore, '--ignore');
  if (opts.limit !== undefined) d.limit = opts.limit;
  if (opts.asOfTxn !== undefined) d.asOfTxn = opts.asOfTxn;
  return d;
}

/** Streams the file to the server's diff route; with `onRow`, reads every row back as NDJSON. */
async function remoteDiff(
  opts: DiffCliOpts,
  format: SnapshotFormat,
  size: number,
  d: DiffOptions,
  op: { onProgress: (p: Progress) => void; signal: AbortSignal },
): Promise<DiffSummary> {
  if (opts.url === undefined || URL.parse(opts.url) === null) throw badRequest('--url: is not a valid URL');
  const transport = new HttpTransport(
    opts.token !== undefined ? { url: opts.url, token: opts.token } : { url: opts.url },
  );
  const streaming = d.onRow !== undefined;
  const headers: Record<string, string> = { 'content-type': CONTENT_TYPES[format], 'content-length': String(size) };
  if (streaming) headers.accept = 'application/x-ndjson';
  let sent = 0;
  const file = createReadStream(opts.file);
  file.on('data', (chunk) => {
    sent += chunk.length;
    op.onProgress({ done: sent, total: size, unit: 'bytes', phase: 'upload' });
  });
  const init: RequestInit & { duplex: 'half' } = {
    method: 'POST',
    headers,
    body: Readable.toWeb(file) as ReadableStream<Uint8Array>,
    duplex: 'half',
    signal: op.signal,
  };
  let res: Response;
  try {
    res = await transport.fetch(topicPath(opts.topic, '/diff'), {
      ...init,
      query: {
        key: d.keyField,
        fields: d.fields?.join(','),
        ignore: d.ignore?.join(','),
        limit: d.limit,
        asOfTxn: d.asOfTxn,
      },
    });
  } catch (e) {
    if (op.signal.aborted) throw new TidemarkError('CANCELLED', 'the diff was cancelled');
    throw e;
  }
  if (res.status !== 200 || res.body === null) throw await transport.errorFrom(res);
  op.onProgress({ done: size, total: size, unit: 'bytes', phase: 'compare' });
  if (!streaming) return ((await res.json()) as { summary: DiffSummary }).summary;
  const lines = createInterface({ input: Readable.fromWeb(res.body) });
  for await (const line of lines) {
    if (line === '') continue;
    const msg = JSON.parse(line) as { row?: DiffRow; summary?: DiffSummary; error?: { code: string; message: string } };
    if (msg.row !== undefined) await d.onRow!(msg.row);
    else if (msg.summary !== undefined) return msg.summary;
    else if (msg.error !== undefined) {
      throw new TidemarkError(isErrorCode(msg.error.code) ? msg.error.code : 'INTERNAL', msg.error.message);
    }
  }
  throw new TidemarkError('UNAVAILABLE', 'the server ended the diff without a summary');
}

/** The progress bar: bytes while loading/uploading, rows while comparing. */
class Bar {
  private bar: SingleBar | null = null;
  private phase = '';
  constructor(private readonly show: boolean) {}

  update(p: Progress): void {
    if (!this.show) return;
    const total = p.total ?? Math.max(p.done, 1);
    if (this.bar === null) {
      this.bar = newProgressBar({
        stream: process.stderr,
        format: 'diff {phase} [{bar}] {percentage}% | {value}/{total} {unit}',
        noTTYOutput: true,
        notTTYSchedule: 1000,
        fps: 5,
        hideCursor: null,
      });
      this.bar.start(total, p.done, { phase: p.phase, unit: p.unit });
    } else if (p.phase !== this.phase) {
      this.bar.setTotal(total);
    }
    this.phase = p.phase;
    this.bar.update(Math.min(p.done, total), { phase: p.phase, unit: p.unit });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
