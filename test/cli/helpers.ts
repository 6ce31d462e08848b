/**
 * Helpers for the CLI integration tests: run the real `node bin/tidemark.mjs ...` as a child
 * process (stdin fed from a string, stdout/stderr captured), make temp directories that are removed
 * afterwards, build NDJSON input, and start a real `tidemark serve` for a describe block.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { type Served, spawnServe } from '../http/spawn';
import type { StoredEvent, TxnInfo } from '../../src-core/model/types';
import type { EventStore } from '../../src-core/store/types';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/tidemark.mjs');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  opts: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
    if (opts.env?.TIDEMARK_TOKEN === undefined) delete env.TIDEMARK_TOKEN;
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-cli-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function ndjson(values: unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join('\n') + '\n';
}

/** Parses NDJSON output into objects (fails the test on a bad line). */
export function parseLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

/**
 * Runs the CLI and closes its stdout after the first chunk, like `tidemark ... | head -1`.
 * Resolves with the exit code and stderr.
 */
export function runCliClosingStdout(
  args: string[],
): Promise<{ code: number | null; stderr: string; firstChunk: string }> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.TIDEMARK_TOKEN;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let firstChunk = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.once('data', (d: Buffer) => {
      firstChunk = d.toString('utf8');
      child.stdout.destroy();
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stderr, firstChunk }));
  });
}

/**
 * A real `tidemark serve` on a new SQLite file for the tests of one describe block, with the
 * given extra arguments (tokens): started before them, stopped and removed after them.
 */
export function useServedStore(args: string[]): { readonly url: string } {
  let served: Served | undefined;
  let home: { dir: string; cleanup: () => void } | undefined;
  beforeAll(async () => {
    home = tempDir();
    served = await spawnServe(['--db', join(home.dir, 'served.db'), '--port', '0', ...args], home.dir);
    expect(served.url).not.toBeNull();
  });
  afterAll(async () => {
    if (served !== undefined && served.proc.exitCode === null) {
      served.proc.kill('SIGTERM');
      await served.exit;
    }
    home?.cleanup();
  });
  return {
    get url(): string {
      if (served?.url == null) throw new Error('the served store has not started');
      return served.url;
    },
  };
}

/**
 * Every row of a listing paged by a number cursor, from the start: its own loop, so the tests'
 * oracle does not depend on the page readers under test (services/pages.ts).
 */
async function allRows<T>(page: (after: number) => Promise<{ rows: T[]; next: number | null }>): Promise<T[]> {
  const rows: T[] = [];
  for (let after = 0; ;) {
    const p = await page(after);
    rows.push(...p.rows);
    if (p.next === null) return rows;
    after = p.next;
  }
}

/** Every TxnInfo and every event of every topic of `store`, read through its public API. */
export async function logOf(store: EventStore): Promise<Record<string, { txns: TxnInfo[]; events: StoredEvent[] }>> {
  const out: Record<string, { txns: TxnInfo[]; events: StoredEvent[] }> = {};
  for (const t of await store.listTopics()) {
    const txns = await allRows(async (after) => {
      const p = await store.listTxns(t.topic, { after, limit: 10_000 });
      return { rows: p.txns, next: p.next };
    });
    const events = await allRows(async (after) => {
      const p = await store.readEvents(t.topic, { after, limit: 10_000 });
      return { rows: p.events, next: p.next };
    });
    out[t.topic] = { txns, events };
  }
  return out;
}
