/**
 * Entry of a job worker thread (bundled as dist-electron/job-worker.cjs): opens its own handle on
 * the store named by the descriptor (read-only, but for a repair, whose one commit is written
 * here), runs one job (jobs.ts `runJob`), posts progress
 * and the result or a coded error back to main, and closes the store. A `cancel` message aborts
 * the job's signal.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorBody } from '../src-core/model/errors';
import { runJob, type MainToWorker, type WorkerInput, type WorkerToMain } from './jobs';
import { openDescriptor } from './store-open';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('job-worker must run in a worker thread');
  const input = workerData as WorkerInput;
  const abort = new AbortController();
  port.on('message', (m: MainToWorker) => {
    if (m.type === 'cancel') abort.abort();
  });
  const post = (m: WorkerToMain): void => port.postMessage(m);
  try {
    const store = openDescriptor(input.desc, { readonly: input.job.job !== 'repair' });
    try {
      const { desc: _desc, job, ...env } = input;
      const value = await runJob(
        store,
        job,
        { signal: abort.signal, onProgress: (progress) => post({ type: 'progress', progress }) },
        env,
      );
      post({ type: 'done', value });
    } finally {
      await store.close();
    }
  } catch (err) {
    post({ type: 'error', error: toErrorBody(err) });
  }
  port.close();
}

void main();
