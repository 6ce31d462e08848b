/**
 * The CLI against a server: a real `tidemark serve --port 0` over a temp SQLite file, and the CLI
 * commands with `--url` (and `--token` or TIDEMARK_TOKEN). Writes go through the HTTP client's
 * ordered writer; the same rules hold as on a file: summary numbers, all-duplicate re-runs, a bad
 * line leaves earlier transactions and nothing of its own, and roles are enforced by the server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SurfaceRow, TopicInfo } from '../../src-core/model/types';
import { BIN, ROOT, ndjson, parseLines, runCli, tempDir } from './helpers';

let tmp: { dir: string; cleanup: () => void };
let server: ChildProcess;
let url: string;

beforeAll(async () => {
  tmp = tempDir();
  server = spawn(
    process.execPath,
    [BIN, 'serve', '--db', join(tmp.dir, 'served.db'), '--port', '0', '--token', 'adm:admin', '--token', 'ro:read'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: server.stdout! });
  url = await new Promise<string>((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`tidemark serve exited with ${code}`)));
    lines.once('line', (line) => {
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      if (m) resolve(m[1]!);
      else reject(new Error(`unexpected first line: ${line}`));
    });
  });
});

afterAll(async () => {
  if (server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  tmp.cleanup();
});

const events = (count: number, from = 0): { key: string; data: number }[] =>
  Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, data: from + i }));

describe('CLI over --url', () => {
  it('write: summary, then an all-duplicate re-run that uses no transaction', async () => {
    const input = ndjson(events(2500));
    const args = ['write', '--url', url, '--token', 'adm', '--topic', 'remote', '--txn-size', '100'];
    const first = await runCli(args, { input });
    expect(first.stderr).toBe('');
    expect(JSON.parse(first.stdout)).toEqual({
      written: 2500,
      duplicates: 0,
      txns: 25,
      firstTxn: 1,
      lastTxn: 25,
      events: 2500,
    });
    const again = await runCli(args, { input });
    expect(JSON.parse(again.stdout)).toEqual({
      written: 0,
      duplicates: 2500,
      txns: 0,
      firstTxn: null,
      lastTxn: null,
      events: 2500,
    });
  });

  it('write: a bad line keeps earlier transactions and writes nothing of its own', async () => {
    const input = ndjson(events(250, 10_000)) + '{"key":"x","data":\n' + ndjson(events(5, 20_000));
    const r = await runCli(['write', '--url', url, '--token', 'adm', '--topic', 'remote2', '--txn-size', '100'], {
      input,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^tidemark: line 251: .*nothing of its transaction \(lines 201-251\) was written/);
    expect(JSON.parse(r.stdout)).toMatchObject({ written: 200, txns: 2, lastTxn: 2 });
    const topics = parseLines(
      (await runCli(['topics', '--url', url, '--format', 'ndjson'], { env: { TIDEMARK_TOKEN: 'ro' } })).stdout,
    ) as TopicInfo[];
    expect(topics.find((t) => t.topic === 'remote2')).toMatchObject({ maxSeq: 200, maxTxn: 2 });
  });

  it('read, surface and txns page through the server (token from TIDEMARK_TOKEN)', async () => {
    const env = { TIDEMARK_TOKEN: 'ro' };
    const read = await runCli(['read', '--url', url, '--topic', 'remote', '--all', '--format', 'ndjson'], { env });
    expect(read.code).toBe(0);
    expect(parseLines(read.stdout)).toHaveLength(2500);
    const surface = await runCli(
      ['surface', '--url', url, '--topic', 'remote', '--prefix', 'k249', '--format', 'ndjson'],
      {
        env,
      },
    );
    expect((parseLines(surface.stdout) as SurfaceRow[]).map((r) => r.key)).toEqual([
      'k249',
      'k2490',
      'k2491',
      'k2492',
      'k2493',
      'k2494',
      'k2495',
      'k2496',
      'k2497',
      'k2498',
      'k2499',
    ]);
    const txns = await runCli(['txns', '--url', url, '--topic', 'remote', '--limit', '3', '--format', 'table'], {
      env,
    });
    expect(txns.stdout.trimEnd().split('\n')).toHaveLength(5);
    expect(txns.stderr).toContain('--after 3');
  });

  it('roles are the server’s: a read token cannot invalidate, no token is unauthorized', async () => {
    const denied = await runCli([
      'invalidate',
      '--url',
      url,
      '--token',
      'ro',
      '--topic',
      'remote',
      '--txn',
      '1',
      '--reason',
      'x',
    ]);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/\(FORBIDDEN\)\n$/);
    const anonymous = await runCli(['topics', '--url', url]);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/\(UNAUTHORIZED\)\n$/);
    const ok = await runCli([
      'invalidate',
      '--url',
      url,
      '--token',
      'adm',
      '--topic',
      'remote',
      '--txn',
      '1',
      '--reason',
      'x',
      '--format',
      'ndjson',
    ]);
    expect(parseLines(ok.stdout)).toEqual([{ seq: 2501, txn: 26, target: 1, duplicate: false }]);
  });

  it('an unreachable server is reported in one line', async () => {
    const r = await runCli(['topics', '--url', 'http://127.0.0.1:9']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^tidemark: /);
  });
});
