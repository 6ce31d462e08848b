/**
 * `tidemark serve` re-executes node with a larger young generation (bin/serve-node.mjs,
 * docs/http.md "Running the server"): the server runs in a child of the process started, which
 * passes signals on once, ends with the child's exit code, and takes the child down with it when
 * it is killed outright. Linux only (reads /proc to find the child).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Served, spawnServe } from '../http/spawn';
import { tempDir } from './helpers';

const PROC = existsSync('/proc/self/stat');

/** Live (not zombie) processes whose parent is `ppid`. */
function children(ppid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(parent) === ppid && state !== 'Z') out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** True while `pid` runs (a zombie, waiting to be reaped by whoever inherited it, does not). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function cmdline(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    .split('\0')
    .filter((a) => a !== '');
}

async function until(cond: () => boolean, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

describe.skipIf(!PROC)('tidemark serve: the re-executed server', () => {
  let served: Served | undefined;
  let home: { dir: string; cleanup: () => void } | undefined;
  afterEach(async () => {
    if (served !== undefined && served.proc.exitCode === null && served.proc.signalCode === null) {
      served.proc.kill('SIGKILL');
      await served.exit;
    }
    home?.cleanup();
  });

  async function start(env: Record<string, string> = {}, args: string[] = []): Promise<Served> {
    home = tempDir();
    served = await spawnServe(['--db', join(home.dir, 's.db'), '--port', '0', ...args], home.dir, 30_000, env);
    return served;
  }

  it('runs the server in a child with --max-semi-space-size=64; SIGINT and SIGTERM stop it gracefully (exit 0)', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const s = await start();
      expect(s.url).not.toBeNull();
      const kids = children(s.proc.pid!);
      expect(kids).toHaveLength(1);
      expect(cmdline(kids[0]!)).toContain('--max-semi-space-size=64');
      expect((await fetch(`${s.url!}/v1/topics`)).status).toBe(200);
      s.proc.kill(signal);
      // One signal reaches the server, once: a graceful stop (a second would exit 1 at once).
      expect(await s.exit).toEqual({ code: 0, signal: null });
      expect(running(kids[0]!)).toBe(false);
      expect(s.stderr()).toBe('');
      home!.cleanup();
    }
  });

  it('ends with the server exit code and its stderr', async () => {
    const s = await start({}, ['--host', '0.0.0.0']);
    expect(s.firstLine).toBeNull();
    expect(await s.exit).toEqual({ code: 1, signal: null });
    expect(s.stderr()).toMatch(/^tidemark: refusing to listen on 0\.0\.0\.0 without tokens/);
  });

  it('takes the server down when it is killed with SIGKILL, freeing its port', async () => {
    const s = await start();
    const [kid] = children(s.proc.pid!);
    expect(kid).toBeDefined();
    s.proc.kill('SIGKILL');
    expect(await s.exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await until(() => !running(kid!))).toBe(true);
    await expect(fetch(`${s.url!}/v1/topics`)).rejects.toThrow();
  });

  it('runs in the process started with TIDEMARK_SERVE_SEMI_SPACE_MB=0, or when the size is given to node already', async () => {
    const envs: Record<string, string>[] = [
      { TIDEMARK_SERVE_SEMI_SPACE_MB: '0' },
      { NODE_OPTIONS: '--max-semi-space-size=32' },
    ];
    for (const env of envs) {
      const s = await start(env);
      expect(s.url).not.toBeNull();
      expect(children(s.proc.pid!)).toEqual([]);
      s.proc.kill('SIGTERM');
      expect({ env, ...(await s.exit), stderr: s.stderr() }).toEqual({ env, code: 0, signal: null, stderr: '' });
      home!.cleanup();
    }
  });
});
