/**
 * What `tidemark diff` (../diff.ts) does: the diff through the store's services, the `--out` file
 * and the progress bar, or with `--repair` the repair (diff-repair.ts `repairOptionsOf`).
 */
import { createReadStream, statSync } from 'node:fs';
import type { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { DiffRowWriter } from '../../diff/export';
import { resolveFormat } from '../../diff/format';
import { exportFormatFromFileName } from '../../export/names';
import { TidemarkError, badRequest, notFound } from '../../model/errors';
import type { Progress, SnapshotFormat } from '../../model/store-api';
import type { RepairOptions, ServiceDiffOptions } from '../../services/index';
import type { PartialFile } from '../../services/save';
import { parseMap, parseNormalise, parseTolerance, splitList } from '../../wire/diff-query';
import type { RepairCliValues } from '../diff-repair';
import { repairOptionsOf } from './diff-repair';
import { EXIT } from '../exit-codes';
import type { StoreOptionValues } from '../options';
import { withStore } from '../open-store';
import { newProgressBar, progressWanted } from '../progress';

interface DiffCliOpts extends StoreOptionValues, RepairCliValues {
  topic: string;
  file: string;
  format?: string;
  key?: string;
  fields?: string;
  ignore?: string;
  map?: string;
  tolerance?: string;
  normalise?: string;
  limit?: number;
  asOfTxn?: number;
  out?: string;
  exitCode?: boolean;
  progress?: boolean;
}

export async function run(opts: DiffCliOpts, command: Command): Promise<void> {
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
  const diffOpts = toDiffOptions(opts);
  const repair = repairOptionsOf(command, opts, diffOpts, opts.file);
  if (repair !== null) return runRepair(command, opts, format, size, repair);
  const outFormat = opts.out !== undefined ? exportFormatFromFileName(opts.out, '--out') : null;
  const bar = new Bar(progressWanted(opts.progress));
  const ac = new AbortController();
  const onSigint = (): void => ac.abort();
  process.once('SIGINT', onSigint);
  let out: PartialFile | null = null;
  try {
    const { PartialFile } = await import('../../services/save');
    out = opts.out !== undefined ? await PartialFile.create(opts.out) : null;
    const writer =
      out !== null && outFormat !== null ? new DiffRowWriter(outFormat, out.stream, undefined, diffOpts) : null;
    if (writer !== null) diffOpts.onRow = writer.write;
    const op = { onProgress: (p: Progress) => bar.update(p), signal: ac.signal };
    const summary = await withStore(command, opts, { mustExist: true }, async (store) => {
      const { servicesFor } = await import('../../services/index');
      const body = createReadStream(opts.file);
      return (await servicesFor(store).diff(opts.topic, { format, body, size }, diffOpts, op)).summary;
    });
    bar.stop();
    if (writer !== null && out !== null) {
      await writer.end();
      await out.commit();
    }
    process.stdout.write(JSON.stringify(summary) + '\n');
    const differs = summary.different + summary.missingInStore + summary.missingInSnapshot > 0;
    if (opts.exitCode === true && differs) process.exitCode = EXIT.differences;
  } catch (e) {
    bar.stop();
    await out?.discard();
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** `--repair`: one JSON line `{"summary","written","txns","asOf","dryRun"}`; progress and Ctrl-C as for a diff. */
async function runRepair(
  command: Command,
  opts: DiffCliOpts,
  format: SnapshotFormat,
  size: number,
  repair: RepairOptions,
): Promise<void> {
  const bar = new Bar(progressWanted(opts.progress));
  const ac = new AbortController();
  const onSigint = (): void => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    const op = { onProgress: (p: Progress) => bar.update(p), signal: ac.signal };
    const res = await withStore(command, opts, { mustExist: true }, async (store) => {
      const { servicesFor } = await import('../../services/index');
      return servicesFor(store).repair(opts.topic, { format, body: createReadStream(opts.file), size }, repair, op);
    });
    bar.stop();
    const { summary, written, txns, asOf, dryRun } = res;
    process.stdout.write(JSON.stringify({ summary, written, txns, asOf, dryRun }) + '\n');
  } finally {
    bar.stop();
    process.off('SIGINT', onSigint);
  }
}

function toDiffOptions(opts: DiffCliOpts): ServiceDiffOptions {
  const d: ServiceDiffOptions = {};
  if (opts.key !== undefined) d.keyField = opts.key;
  if (opts.fields !== undefined) d.fields = splitList(opts.fields, '--fields');
  if (opts.ignore !== undefined) d.ignore = splitList(opts.ignore, '--ignore');
  if (opts.map !== undefined) d.map = parseMap(opts.map, '--map');
  if (opts.tolerance !== undefined) d.tolerance = parseTolerance(opts.tolerance, '--tolerance');
  if (opts.normalise !== undefined) d.normalise = parseNormalise(opts.normalise, '--normalise');
  if (opts.limit !== undefined) d.limit = opts.limit;
  if (opts.asOfTxn !== undefined) d.asOfTxn = opts.asOfTxn;
  return d;
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
      this.bar = newProgressBar('diff {phase} [{bar}] {percentage}% | {value}/{total} {unit}');
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
