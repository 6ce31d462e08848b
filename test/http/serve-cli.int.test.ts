/**
 * `tidemark serve` as a real child process: the first stdout line, `--port 0`, refusing a
 * non-loopback address without tokens, `--token`, `--tokens-file` and `TIDEMARK_TOKENS` (a bad
 * line or item is named, token names by position, the warning on a tokens file others may read), and
 * SIGTERM under write load: exit 0, and every acknowledged transaction is in the file.
 */
import { chmodSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderedWriter } from '../../src-core/store/http/index';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { call, tempDir } from './helpers';
import { spawnServe } from './spawn';

let dir: string;
beforeAll(() => {
  dir = tempDir('tidemark-serve-');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('tidemark serve', () => {
  it('prints exactly "listening on http://HOST:PORT" first, with --port 0 taking a free port', async () => {
    const s = await spawnServe(['--db', 'a.db', '--port', '0'], dir);
    try {
      expect(s.firstLine).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      expect(s.url).not.toMatch(/:0$/);
      const a = await call(`${s.url}/v1/health`);
      expect(a.body).toEqual({ status: 'ok' });
    } finally {
      s.proc.kill('SIGTERM');
      expect((await s.exit).code).toBe(0);
    }
  });

  it('stops gracefully on SIGINT or SIGTERM sent the moment the listening line is read', async () => {
    // The line is written only once the signal handlers are in place: before, a signal sent on
    // reading it found node's default and killed the server without closing its store.
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGTERM', 'SIGINT', 'SIGTERM', 'SIGINT'] as const) {
      const s = await spawnServe(['--db', 'race.db', '--port', '0'], dir);
      expect(s.url).not.toBeNull();
      s.proc.kill(signal);
      const exit = await s.exit;
      expect({ sent: signal, ...exit, stderr: s.stderr() }).toEqual({
        sent: signal,
        code: 0,
        signal: null,
        stderr: '',
      });
    }
  });

  it('refuses a non-loopback address without tokens, with one clear line and a non-zero exit', async () => {
    const s = await spawnServe(['--db', 'b.db', '--host', '0.0.0.0', '--port', '0'], dir);
    const { code } = await s.exit;
    expect(code).not.toBe(0);
    expect(s.stdout()).toBe('');
    const lines = s.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/refusing to listen on 0\.0\.0\.0 without tokens/);
  });

  it('binds a non-loopback address when tokens are given', async () => {
    const s = await spawnServe(['--db', 'c.db', '--host', '0.0.0.0', '--port', '0', '--token', 'k1:read'], dir);
    try {
      expect(s.firstLine).toMatch(/^listening on http:\/\/0\.0\.0\.0:\d+$/);
      const port = new URL(s.url!).port;
      expect((await call(`http://127.0.0.1:${port}/v1/topics`)).status).toBe(401);
      expect((await call(`http://127.0.0.1:${port}/v1/topics`, { token: 'k1' })).status).toBe(200);
    } finally {
      s.proc.kill('SIGTERM');
      await s.exit;
    }
  });

  it('--tokens-file gives each token its role; --token adds more', async () => {
    const file = join(dir, 'tokens.txt');
    writeFileSync(file, '# who may do what\n\nreader1 read\n  writer1   write  \nboss admin\n');
    const s = await spawnServe(['--db', 'd.db', '--port', '0', '--tokens-file', file, '--token', 'extra:read'], dir);
    try {
      // unnamed tokens are <role>-<n>, n counting --token flags first, then the file's lines
      expect((await call(`${s.url}/v1/whoami`, { token: 'extra' })).body).toEqual({ role: 'read', name: 'read-1' });
      expect((await call(`${s.url}/v1/whoami`, { token: 'reader1' })).body).toEqual({ role: 'read', name: 'read-2' });
      expect((await call(`${s.url}/v1/whoami`, { token: 'writer1' })).body).toEqual({ role: 'write', name: 'write-3' });
      expect((await call(`${s.url}/v1/whoami`, { token: 'boss' })).body).toEqual({ role: 'admin', name: 'admin-4' });
      expect((await call(`${s.url}/v1/whoami`)).status).toBe(401);
    } finally {
      s.proc.kill('SIGTERM');
      await s.exit;
    }
  });

  it('TIDEMARK_TOKENS adds named tokens after the file; a tokens file others may read gets one warning line', async () => {
    const file = join(dir, 'open-tokens.txt');
    writeFileSync(file, 'f1 read\nf2 write ops\n');
    chmodSync(file, 0o644);
    const s = await spawnServe(
      ['--db', 'g.db', '--port', '0', '--tokens-file', file, '--token', 'k1:read'],
      dir,
      30_000,
      {
        TIDEMARK_TOKENS: 'e1:admin:ci, e2:read',
      },
    );
    try {
      expect(s.url).not.toBeNull();
      const who = async (token: string): Promise<unknown> => (await call(`${s.url}/v1/whoami`, { token })).body;
      expect(await who('k1')).toEqual({ role: 'read', name: 'read-1' });
      expect(await who('f1')).toEqual({ role: 'read', name: 'read-2' });
      expect(await who('f2')).toEqual({ role: 'write', name: 'ops' });
      expect(await who('e1')).toEqual({ role: 'admin', name: 'ci' });
      expect(await who('e2')).toEqual({ role: 'read', name: 'read-5' });
      const lines = s.stderr().trim().split('\n');
      expect(lines).toEqual([expect.stringMatching(/^tidemark: warning: tokens file .* \(mode 644\); run chmod 600 /)]);
    } finally {
      s.proc.kill('SIGTERM');
      await s.exit;
    }
  });

  it('a bad TIDEMARK_TOKENS item is refused, naming the item', async () => {
    const s = await spawnServe(['--db', 'h.db', '--port', '0'], dir, 30_000, { TIDEMARK_TOKENS: 'a:read,b:boss' });
    expect((await s.exit).code).not.toBe(0);
    expect(s.stderr()).toMatch(/TIDEMARK_TOKENS item 2: role must be read, write or admin, got "boss"/);
  });

  it('a bad --tokens-file line is refused, naming the line', async () => {
    const file = join(dir, 'bad-tokens.txt');
    writeFileSync(file, 'ok1 read\n\nbroken-line-without-role\n');
    const s = await spawnServe(['--db', 'e.db', '--port', '0', '--tokens-file', file], dir);
    expect((await s.exit).code).not.toBe(0);
    expect(s.stderr()).toMatch(/line 3: expected "TOKEN ROLE"/);
    const bad = await spawnServe(['--db', 'e.db', '--port', '0', '--token', 'x:superuser'], dir);
    expect((await bad.exit).code).not.toBe(0);
    expect(bad.stderr()).toMatch(/--token: role must be read, write or admin, got "superuser"/);
  });

  it('SIGTERM under write load exits 0 and loses no acknowledged transaction', async () => {
    const db = join(dir, 'term.db');
    const s = await spawnServe(['--db', db, '--port', '0'], dir);
    const w = new OrderedWriter({ url: s.url!, retryForMs: 300 });
    const acked = new Map<number, string>(); // seq -> key
    let failed = 0;
    const pending: Promise<void>[] = [];
    let i = 0;
    let stop = false;
    const pump = async (): Promise<void> => {
      while (!stop) {
        const key = `k${i++}`;
        pending.push(
          w.append('load', { events: [{ key, data: i }] }).then(
            (r) => void acked.set(r.results[0]!.seq, key),
            () => void failed++,
          ),
        );
        if (w.pending > 2000) await w.flush();
        if (i % 200 === 0) await new Promise((r) => setImmediate(r));
      }
    };
    const running = pump();
    while (acked.size < 2000) await new Promise((r) => setTimeout(r, 10));
    s.proc.kill('SIGTERM');
    const { code } = await s.exit;
    stop = true;
    await running;
    await Promise.all(pending);
    expect(code).toBe(0);
    expect(acked.size).toBeGreaterThanOrEqual(2000);

    const store = openSqliteStore(db);
    try {
      const info = await store.topicInfo('load');
      expect(info.maxSeq).toBe(acked.size); // in-flight writes were finished and answered, none half-done
      for (const [seq, key] of acked) {
        const page = await store.readEvents('load', { after: seq - 1, limit: 1 });
        expect(page.events[0]?.key).toBe(key);
      }
    } finally {
      await store.close();
    }
    expect(failed + acked.size).toBe(i);
  });
});
