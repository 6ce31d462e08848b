/**
 * Long operations (diff against a snapshot, repair from a diff, surface export) and how main runs
 * them: each job runs in its own worker_thread (job-worker.ts) that opens its own handle on the
 * store (read-only, but for a repair, which writes its one commit there), so a million-row diff
 * never blocks the main process's event loop (and so the window never freezes).
 * The job itself goes through the store's services (src-core/services/), so over a server
 * connection a diff uploads the snapshot and an export streams the server's export route.
 * Progress comes back as messages (throttled); cancel posts a message that aborts the job's
 * AbortSignal, and the worker is terminated if it does not stop promptly. `runJob` is the body a
 * worker executes; it is plain async code over an EventStore and is tested directly too.
 *
 * Diff and repair jobs have the server's limits (src-core/diff/limits.ts): a snapshot over `diffLimit` bytes
 * (default 256 MiB) is TOO_LARGE before a byte is read (and counted while read, should the file
 * grow); beyond `maxDiffs` diff jobs at once (default one per core) a new one is refused with
 * TOO_MANY_REQUESTS before any thread starts. Each diff job spills into a directory of its own,
 * which main removes when the worker exits, so even a worker terminated mid-diff leaves no file.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { TidemarkError, toErrorBody, type ErrorBody } from '../src-core/model/errors';
import type { ExportSurfaceRequest, LongOperation, Progress, VerifyRequest } from '../src-core/model/store-api';
import type { VerifyResult } from '../src-core/model/integrity';
import type { DiffResult, RepairResult } from '../src-core/model/types';
import { resolveFormat } from '../src-core/diff/format';
import { DIFF_LIMITS, DiffSlots, checkSnapshotSize, limitBytes } from '../src-core/diff/limits';
import { checkLimit } from '../src-core/model/validate';
import type { Chunk, SnapshotSource } from '../src-core/diff/types';
import { type ServiceDiffOptions, servicesFor } from '../src-core/services/index';
import type { RepairOptions } from '../src-core/services/types';
import { exportSurfaceToFile } from '../src-core/services/save';
import type { EventStore } from '../src-core/store/types';
import type { StoreDescriptor } from './connections';
import type { DiffRunRequest, RepairRunRequest } from './ipc-contract';

/** A diff as the renderer asked for it: the topic and the `diff` channel's request. */
export type DiffJob = { job: 'diff'; topic: string } & DiffRunRequest;

/** A repair as the renderer asked for it, with who writes (main's to set: the OS user on a local file). */
export type RepairJob = { job: 'repair'; topic: string; by?: string } & RepairRunRequest;

export interface ExportJob {
  job: 'export';
  topic: string;
  req: ExportSurfaceRequest;
  file: string;
}

/** A verify (issue 13): the topic and the `verify` channel's request. */
export interface VerifyJob {
  job: 'verify';
  topic: string;
  req: VerifyRequest;
}

export type Job = DiffJob | RepairJob | ExportJob | VerifyJob;
export type JobValue<J extends Job> = J extends DiffJob
  ? DiffResult
  : J extends RepairJob
    ? RepairResult
    : J extends VerifyJob
      ? VerifyResult
      : { rows: number };

/** The jobs that read a snapshot (a diff slot, a spill directory, the snapshot size limit). */
export type SnapshotJob = DiffJob | RepairJob;
const readsSnapshot = (job: Job): job is SnapshotJob => job.job === 'diff' || job.job === 'repair';

/** Progress and cancel for a job; `onStart` has no meaning across a worker boundary. */
export type JobOp = Pick<LongOperation, 'onProgress' | 'signal'>;

/** Messages between main and a job worker. */
export type WorkerToMain =
  | { type: 'progress'; progress: Progress }
  | { type: 'done'; value: DiffResult | RepairResult | VerifyResult | { rows: number } }
  | { type: 'error'; error: ErrorBody };
export type MainToWorker = { type: 'cancel' };

/** How main runs a job, beside the job itself (never from the renderer). */
export interface JobEnv {
  /** Where a diff spills its snapshot (default: the OS temp directory). */
  tmpDir?: string;
  /** Largest snapshot a diff takes, in bytes (default 256 MiB). */
  diffLimit?: number;
}

export interface WorkerInput extends JobEnv {
  desc: StoreDescriptor;
  job: Job;
}

async function snapshotSource(job: SnapshotJob, limit: number): Promise<SnapshotSource> {
  const format = resolveFormat(job.format, job.fileName);
  if (job.source.kind === 'bytes') {
    const name = job.fileName || 'snapshot';
    checkSnapshotSize(job.source.bytes.byteLength, limit, name);
    return {
      format,
      body: Readable.from([job.source.bytes]) as AsyncIterable<Chunk>,
      size: job.source.bytes.byteLength,
    };
  }
  const file = job.source.path;
  const name = job.fileName || file;
  const st = await stat(file).catch(() => null);
  if (!st?.isFile()) throw new TidemarkError('NOT_FOUND', `${name}: the snapshot file cannot be read`);
  checkSnapshotSize(st.size, limit, name);
  const stream = createReadStream(file);
  // Counted as read too (the file may have grown); cancelling still destroys the file stream.
  const body = Object.assign(limitBytes(stream as AsyncIterable<Buffer>, limit, name), {
    destroy: (e?: Error) => stream.destroy(e),
  });
  return { format, body, size: st.size };
}

/**
 * Executes one job against an open store (inside the worker), through the store's services
 * (`servicesFor`): over a local file the diff and the export run here; over a server the snapshot
 * is uploaded to its diff route and the export streamed from its export route.
 */
export async function runJob(
  store: EventStore,
  job: Job,
  op: JobOp = {},
  env: JobEnv = {},
): Promise<DiffResult | RepairResult | VerifyResult | { rows: number }> {
  if (job.job === 'verify') return verifyJob(store, job, op);
  const services = servicesFor(store, env.tmpDir !== undefined ? { tmpDir: env.tmpDir } : {});
  if (job.job === 'export') {
    const rows = await exportSurfaceToFile(services, job.topic, job.req, job.file, op);
    return { rows };
  }
  const source = await snapshotSource(job, env.diffLimit ?? DIFF_LIMITS.snapshotBytesDefault);
  if (job.job === 'repair') return services.repair(job.topic, source, repairOptionsOf(job), op);
  const opts: ServiceDiffOptions = {};
  if (job.keyField !== undefined) opts.keyField = job.keyField;
  if (job.fields !== undefined) opts.fields = job.fields;
  if (job.ignore !== undefined) opts.ignore = job.ignore;
  if (job.limit !== undefined) opts.limit = job.limit;
  if (job.asOfTxn !== undefined) opts.asOfTxn = job.asOfTxn;
  if (job.map !== undefined) opts.map = job.map;
  if (job.tolerance !== undefined) opts.tolerance = job.tolerance;
  if (job.normalise !== undefined) opts.normalise = job.normalise;
  return services.diff(job.topic, source, opts, op);
}

/** A verify job: the store's own verify, its progress counted in transactions. */
function verifyJob(store: EventStore, job: VerifyJob, op: JobOp): Promise<VerifyResult> {
  return store.verify(job.topic, {
    ...(job.req.expectHead !== undefined ? { expectHead: job.req.expectHead } : {}),
    ...(op.signal !== undefined ? { signal: op.signal } : {}),
    onProgress: (p) => op.onProgress?.({ done: p.txns, total: p.totalTxns, unit: 'txns', phase: 'verifying' }),
  });
}

/**
 * A repair job's options for the service: the request's fields as they came (the IPC schema
 * checked them), the snapshot's file name as `name` (for meta.repair), and who writes.
 */
export function repairOptionsOf(job: RepairJob): RepairOptions {
  const { job: _job, topic: _topic, source: _source, fileName, format: _format, ...opts } = job;
  return { ...opts, ...(fileName !== '' ? { name: fileName } : {}) };
}

export interface JobRunnerOptions {
  eval?: boolean;
  progressEveryMs?: number;
  /** Largest diff snapshot, in bytes (default 256 MiB, as the server's `--diff-limit`). */
  diffLimit?: number;
  /** Diff jobs running at once (default one per core, as the server's `--max-diffs`). */
  maxDiffs?: number;
  /** Where diff jobs make their spill directories (default: the OS temp directory). */
  tmpDir?: string;
}

/**
 * Starts job workers. `workerFile` is job-worker.cjs in the app; tests pass a small `eval`
 * bootstrap that registers tsx and imports job-worker.ts.
 */
export class JobRunner {
  private readonly workers = new Set<Worker>();
  private readonly diffSlots: DiffSlots;
  private readonly diffLimit: number;

  constructor(
    private readonly workerFile: string | URL,
    private readonly opts: JobRunnerOptions = {},
  ) {
    this.diffSlots = new DiffSlots(opts.maxDiffs);
    this.diffLimit = checkLimit('diffLimit', opts.diffLimit ?? DIFF_LIMITS.snapshotBytesDefault);
  }

  /** Diff jobs running now. */
  get runningDiffs(): number {
    return this.diffSlots.running;
  }

  run<J extends Job>(desc: StoreDescriptor, job: J, op: JobOp = {}): Promise<JobValue<J>> {
    if (op.signal?.aborted) return Promise.reject(new TidemarkError('CANCELLED', `${job.job} cancelled`));
    const input: WorkerInput = { desc, job };
    // A diff takes a slot (or is refused) before anything starts, and spills into a directory of
    // its own that is removed when its worker exits, however it ends.
    let release = (): void => undefined;
    let jobDir: string | null = null;
    if (readsSnapshot(job)) {
      try {
        if (job.source.kind === 'bytes') {
          checkSnapshotSize(job.source.bytes.byteLength, this.diffLimit, job.fileName || 'snapshot');
        }
        release = this.diffSlots.acquire();
        jobDir = mkdtempSync(join(this.opts.tmpDir ?? tmpdir(), 'tidemark-job-'));
      } catch (e) {
        release();
        return Promise.reject(e instanceof Error ? e : new TidemarkError('INTERNAL', String(e)));
      }
      input.tmpDir = jobDir;
      input.diffLimit = this.diffLimit;
    }
    const cleanUp = (): void => {
      release();
      if (jobDir !== null) rmSync(jobDir, { recursive: true, force: true });
    };
    // Hand uploaded bytes to the worker without a copy, but only when they own their whole
    // buffer: transferring a view's buffer (e.g. Node's shared Buffer pool) would detach it for
    // every other view.
    const bytes = readsSnapshot(job) && job.source.kind === 'bytes' ? job.source.bytes : null;
    const transfer =
      bytes &&
      bytes.buffer instanceof ArrayBuffer &&
      bytes.byteOffset === 0 &&
      bytes.byteLength === bytes.buffer.byteLength
        ? [bytes.buffer]
        : undefined;
    let worker: Worker;
    try {
      worker = new Worker(this.workerFile, {
        workerData: input,
        ...(transfer ? { transferList: transfer } : {}),
        ...(this.opts.eval ? { eval: true } : {}),
      });
    } catch (e) {
      cleanUp();
      throw e;
    }
    this.workers.add(worker);
    const every = this.opts.progressEveryMs ?? 100;
    let lastProgress = 0;
    return new Promise<JobValue<J>>((resolve, reject) => {
      let settled = false;
      let killTimer: NodeJS.Timeout | undefined;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        op.signal?.removeEventListener('abort', onAbort);
        if (killTimer) clearTimeout(killTimer);
        release();
        fn();
      };
      const onAbort = (): void => {
        worker.postMessage({ type: 'cancel' } satisfies MainToWorker);
        // A job stuck in a long synchronous step is stopped the hard way.
        killTimer = setTimeout(() => {
          void worker.terminate();
          finish(() => reject(new TidemarkError('CANCELLED', `${job.job} cancelled`)));
        }, 2000);
      };
      op.signal?.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (msg: WorkerToMain) => {
        if (msg.type === 'progress') {
          const now = Date.now();
          const last = msg.progress.total !== null && msg.progress.done >= msg.progress.total;
          if (op.onProgress && (last || now - lastProgress >= every)) {
            lastProgress = now;
            op.onProgress(msg.progress);
          }
        } else if (msg.type === 'done') {
          finish(() => resolve(msg.value as JobValue<J>));
        } else {
          finish(() => reject(new TidemarkError(msg.error.code, msg.error.message)));
        }
      });
      worker.on('error', (err) => finish(() => reject(new TidemarkError('INTERNAL', toErrorBody(err).message))));
      worker.on('exit', (code) => {
        this.workers.delete(worker);
        cleanUp();
        finish(() => reject(new TidemarkError('INTERNAL', `${job.job} worker stopped unexpectedly (exit ${code})`)));
      });
    });
  }

  /** Stops every running job (app quit). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.terminate()));
  }
}
