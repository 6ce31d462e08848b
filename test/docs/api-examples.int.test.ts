/**
 * docs/api.md's examples are true: every request of the page is sent, in document order, to a real
 * `tidemark serve` on a fresh SQLite file (started exactly as the page says), and must get the
 * documented status, content type and body (see http-examples.ts for how bodies match). Every
 * route of the server has at least one example.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src-core/server/route-table';
import { type Served, spawnServe } from '../http/spawn';
import { type HttpExample, jsonMismatch, missingLines, parseExamples } from './http-examples';

const ROOT = resolve(import.meta.dirname, '../..');
const markdown = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
const examples = parseExamples(markdown);

let dir: string;
let served: Served;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-api-doc-'));
  const start = /npx tidemark serve (.*)\n/.exec(markdown);
  expect(start).not.toBeNull();
  served = await spawnServe(start![1]!.split(' '), dir);
  expect(served.url).not.toBeNull();
});

afterAll(async () => {
  if (served?.proc.exitCode === null) {
    served.proc.kill('SIGTERM');
    await served.exit;
  }
  rmSync(dir, { recursive: true, force: true });
});

const mediaType = (v: string | null | undefined): string => (v ?? '').split(';', 1)[0]!.trim().toLowerCase();

/** Reads a streaming (SSE) body until the documented lines arrived, then hangs up. */
async function readUntil(res: Response, expected: string, ac: AbortController): Promise<string> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const timer = setTimeout(() => ac.abort(), 10_000);
  try {
    while (missingLines(expected, text).length > 0) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // aborted: what arrived is checked below
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return text;
}

async function send(ex: HttpExample): Promise<{ status: number; headers: Headers; body: string }> {
  const ac = new AbortController();
  const res = await fetch(served.url! + ex.path, {
    method: ex.method,
    headers: ex.headers,
    ...(ex.body !== '' ? { body: ex.body } : {}),
    signal: ac.signal,
  });
  const streaming = mediaType(ex.expect.headers['content-type']) === 'text/event-stream';
  const body = streaming ? await readUntil(res, ex.expect.body, ac) : await res.text();
  return { status: res.status, headers: res.headers, body };
}

describe('docs/api.md', () => {
  it('has examples', () => {
    expect(examples.length).toBeGreaterThan(20);
  });

  it('every route has an example', () => {
    const covered = (pattern: string, method: string): boolean =>
      examples.some((ex) => {
        if (ex.method !== method) return false;
        const re = new RegExp(`^${pattern.replace(/:[A-Za-z]+/g, '[^/?]+')}(\\?.*)?$`);
        return re.test(ex.path);
      });
    expect(ROUTES.filter((r) => !covered(r.path, r.method)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('every example gets its documented answer, in order', async () => {
    for (const ex of examples) {
      const where = `docs/api.md line ${ex.line}: ${ex.method} ${ex.path}`;
      const got = await send(ex);
      expect(got.status, `${where}: ${got.body}`).toBe(ex.expect.status);
      for (const [name, value] of Object.entries(ex.expect.headers)) {
        const actual = got.headers.get(name);
        if (name === 'content-type') expect(mediaType(actual), where).toBe(mediaType(value));
        else expect(actual, where).toBe(value);
      }
      if (ex.expect.body === '') continue;
      if (mediaType(ex.expect.headers['content-type']) === 'application/json') {
        const mismatch = jsonMismatch(JSON.parse(ex.expect.body), JSON.parse(got.body));
        expect(mismatch, `${where}: ${got.body}`).toBeNull();
      } else {
        expect(missingLines(ex.expect.body, got.body), where).toEqual([]);
      }
    }
  });
});
