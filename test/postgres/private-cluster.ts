/**
 * A private, throwaway PostgreSQL 15 cluster for fault tests that must stop and restart the
 * database (never the shared cluster at :5432, which other tests use). `initdb` into a temp dir
 * and `pg_ctl start/stop` on a free port on 127.0.0.1, run as the `postgres` OS user through
 * `runuser` when we are root (PostgreSQL refuses to run as root). `destroy()` stops it and
 * removes the directory.
 */
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = process.env.TIDEMARK_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PrivateCluster {
  url: string;
  port: number;
  dir: string;
  /** `fast` sends admin shutdown to sessions; `immediate` is a crash (WAL replay on start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function pgUid(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

function asPostgres(cmd: string, args: string[]): [string, string[]] {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return root ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-pg-'));
  const data = join(dir, 'data');
  if (typeof process.getuid === 'function' && process.getuid() === 0) {
    const { uid, gid } = await pgUid();
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  const exec = async (cmd: string, args: string[]): Promise<void> => {
    const [c, a] = asPostgres(join(BIN, cmd), args);
    await run(c, a, { timeout: 60_000 });
  };
  try {
    await exec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=40`;
  let running = false;
  const cluster: PrivateCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    start: async () => {
      await exec('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', opts, '-w', '-t', '60', 'start']);
      running = true;
    },
    stop: async (mode = 'fast') => {
      await exec('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
      running = false;
    },
    destroy: async () => {
      if (running) await cluster.stop('immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await cluster.start();
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
  return cluster;
}
