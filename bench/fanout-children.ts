/**
 * The fan-out bench's two child processes as its appending process (bench/fanout.ts) drives them:
 * a server (bench/fanout-server.ts: Tidemark or the bare baseline), stopped and asked for its CPU
 * time by signals, and the SSE receivers (bench/fanout-clients.ts), told what to expect over IPC.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { StepResult } from './fanout-clients';
import { listening } from './util';

export interface ServerChild {
  proc: ChildProcess;
  url: string;
  /** Stops the child; resolves to the CPU ms it used since the last SIGUSR2 (null if it did not say). */
  stop(): Promise<number | null>;
  /** The CPU ms the child used since the previous call (or its start). */
  stepCpu(): Promise<number>;
}

export async function startServerChild(args: string[]): Promise<ServerChild> {
  const script = join(import.meta.dirname, 'fanout-server.ts');
  const proc = spawn(
    process.execPath,
    [
      ...(process.env.TIDEMARK_FANOUT_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.TIDEMARK_FANOUT_PROF] : []),
      '--import',
      'tsx',
      script,
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const out = await listening(proc, 'fan-out server');
  // The `step-cpu MS` lines answer SIGUSR1s in order: the n-th line answers the n-th request.
  let stepsRead = 0;
  let stepWaiter: ((ms: number) => void) | null = null;
  proc.stdout.on('data', () => {
    const steps = [...out.text().matchAll(/step-cpu (\S+)\n/g)];
    if (steps.length > stepsRead && stepWaiter) {
      stepWaiter(Number(steps[stepsRead]![1]));
      stepsRead++;
      stepWaiter = null;
    }
  });
  return {
    proc,
    url: out.url,
    stepCpu: () =>
      new Promise<number>((resolve) => {
        stepWaiter = resolve;
        proc.kill('SIGUSR1');
      }),
    stop: () =>
      new Promise<number | null>((resolve) => {
        const cpu = (): number | null => {
          const c = out.cpu();
          return c ? c.userMs + c.systemMs : null;
        };
        if (proc.exitCode !== null) return resolve(cpu());
        proc.once('exit', () => resolve(cpu()));
        proc.kill('SIGTERM');
      }),
  };
}

export interface Receivers {
  expect(last: number, waitMs: number): Promise<StepResult>;
  close(): Promise<void>;
}

export async function startReceivers(url: string, clients: number, after: number): Promise<Receivers> {
  const proc = fork(join(import.meta.dirname, 'fanout-clients.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (): Promise<{ type: string; message?: string }> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`receivers exited (${code})`));
      proc.once('exit', onExit);
      proc.once('message', (m: { type: string; message?: string }) => {
        proc.off('exit', onExit);
        resolve(m);
      });
    });
  const connected = next();
  proc.send({ cmd: 'connect', url, clients, after, sampleEvery: 64 });
  const c = await connected;
  if (c.type !== 'connected') {
    proc.kill();
    throw new Error(`receivers: ${c.message ?? c.type}`);
  }
  return {
    expect: async (last, waitMs) => {
      const r = next();
      proc.send({ cmd: 'expect', last, waitMs });
      return (await r) as unknown as StepResult;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.send({ cmd: 'close' });
      }),
  };
}
