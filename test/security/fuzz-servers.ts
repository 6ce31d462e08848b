/**
 * The servers for the HTTP boundary fuzz test (fuzz-boundary.int.test.ts): for one backend
 * (a real SQLite file or a real PostgreSQL schema) it starts two real `tidemark serve` processes
 * side by side, one with a token of each role and one with no tokens (loopback mode), each over a
 * store of its own and with a tiny web UI build so the UI fallback is live. It also seeds each
 * store with a few transactions and gives the test a read-only handle on it, with `fingerprint`
 * (topic counters) to tell whether a request wrote anything. The role tokens live here too.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../../src-core/model/types';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';
import { tempDir } from '../http/helpers';
import { type Served, spawnServe } from '../http/spawn';
import { PG_URL, makePgStore } from '../postgres/pg-helpers';
import { sendRaw } from './raw-http';

export const TOKENS: Record<Role, string> = {
  read: 'fz-read-secret',
  write: 'fz-write-secret',
  admin: 'fz-admin-secret',
};
export const ROLES: Role[] = ['read', 'write', 'admin'];

export type Mode = 'tokens' | 'open';

export interface Target {
  mode: Mode;
  port: number;
  store: EventStore;
  served: Served;
}

export interface Backend {
  tokens: Target;
  open: Target;
  stop(): Promise<void>;
}

function tokenArgs(mode: Mode): string[] {
  return mode === 'open' ? [] : ROLES.flatMap((r) => ['--token', `${TOKENS[r]}:${r}`]);
}

async function serve(args: string[], cwd: string): Promise<Served & { port: number }> {
  const served = await spawnServe([...args, '--port', '0'], cwd);
  if (served.url === null) {
    served.proc.kill('SIGKILL');
    throw new Error(`tidemark serve did not start: ${served.firstLine ?? ''} ${served.stderr()}`);
  }
  return { ...served, port: Number(new URL(served.url).port) };
}

async function stopServed(s: Served): Promise<void> {
  if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGTERM');
  await s.exit;
}

/** A tiny web UI build, so the UI fallback is live and a fallback on an API path is visible. */
function writeUi(dir: string): string {
  const ui = join(dir, 'ui');
  mkdirSync(join(ui, 'assets'), { recursive: true });
  writeFileSync(
    join(ui, 'index.html'),
    '<!doctype html><title>Tidemark</title><script src="./assets/app.js"></script>',
  );
  writeFileSync(join(ui, 'assets', 'app.js'), 'void 0;\n');
  return ui;
}

type Kind = 'sqlite' | 'postgres';

/** One server and the test's own handle on its store (read-only for SQLite). */
async function startMode(
  kind: Kind,
  mode: Mode,
  dir: string,
  ui: string,
): Promise<{ target: Target; stop: () => Promise<void> }> {
  const args = ['--static', ui, ...tokenArgs(mode)];
  if (kind === 'sqlite') {
    const file = join(dir, `${mode}.db`);
    const served = await serve(['--db', file, ...args], dir);
    try {
      const store = openSqliteStore(file, { readonly: true });
      const stop = async (): Promise<void> => {
        await stopServed(served);
        await store.close();
      };
      return { target: { mode, port: served.port, served, store }, stop };
    } catch (e) {
      await stopServed(served);
      throw e;
    }
  }
  const h = await makePgStore();
  try {
    const served = await serve(['--pg', PG_URL, '--pg-schema', h.schema, ...args], dir);
    const stop = async (): Promise<void> => {
      await stopServed(served);
      await h.cleanup();
    };
    return { target: { mode, port: served.port, served, store: h.store }, stop };
  } catch (e) {
    await h.cleanup();
    throw e;
  }
}

/** A server with tokens and one without, side by side, each over a store of its own. */
export async function startBackend(kind: Kind): Promise<Backend> {
  const dir = tempDir('tidemark-fuzz-');
  const ui = writeUi(dir);
  const results = await Promise.allSettled((['tokens', 'open'] as const).map((m) => startMode(kind, m, dir, ui)));
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async (): Promise<void> => {
    for (const s of started) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { tokens: started[0]!.target, open: started[1]!.target, stop };
}

/** Topic counters: equal before and after a request means it wrote nothing. */
export async function fingerprint(store: EventStore): Promise<string> {
  const topics = await store.listTopics();
  return topics
    .map((t) => `${t.topic} seq=${t.maxSeq} txn=${t.maxTxn} keys=${t.keys} events=${t.events} invalid=${t.invalidTxns}`)
    .sort()
    .join('\n');
}

export function hostOk(t: Target): string {
  return `127.0.0.1:${t.port}`;
}

export async function seed(t: Target): Promise<void> {
  const auth: [string, string][] = t.mode === 'tokens' ? [['Authorization', `Bearer ${TOKENS.admin}`]] : [];
  const post = async (path: string, body: unknown): Promise<void> => {
    const a = await sendRaw(t.port, {
      method: 'POST',
      target: path,
      headers: [['Host', hostOk(t)], ['Content-Type', 'application/json'], ...auth],
      body: Buffer.from(JSON.stringify(body)),
    });
    if (a.status !== 200) throw new Error(`seeding ${path}: ${a.status} ${a.text}`);
  };
  await post('/v1/topics/t1/txns', {
    events: [
      { key: 'a', data: 1 },
      { key: 'b', data: 2 },
    ],
  });
  await post('/v1/topics/t1/txns', { events: [{ key: 'a', data: 3 }] });
  await post('/v1/topics/t2/txns', { events: [{ key: 'x', data: 'y' }] });
  await post('/v1/topics/t1/txns/2/invalidate', { reason: 'seed' });
}
