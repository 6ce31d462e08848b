/**
 * One sample of bench/http-ab.ts, run in a fresh child process per sample: the server app of the
 * tree under test (`buildApp` over its SQLite store on a fresh file, bundled with this file by the
 * parent) is sent `POST /v1/batch` bodies of 10,000 one-event transactions through Fastify's
 * `inject` (no socket: the route, the body reader, the store and the reply), each body written as
 * this tree's `OrderedWriter` writes it (`serializeTxn`, `tradeEvent` data). WARM bodies of
 * warm-up, then CALLS measured bodies; prints one line `result {"cpuUs":…,"userUs":…,"events":…}`
 * with this process's CPU time over the measured requests only (the bodies are built before).
 *
 * Arguments (after the script): CALLS WARM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { serializeTxn } from '../src-core/store/http/ordered-writer';
import type { BatchResponse } from '../src-core/model/types';
import type { PreparedBatch } from '../src-core/store/prepare';
import type { EventStore } from '../src-core/store/types';
import { tradeEvent } from './util';

export interface HttpChildResult {
  cpuUs: number;
  userUs: number;
  events: number;
}

const TXNS_PER_BODY = 10_000;
/** Keys the events spread over (HTTP_AB_KEYS; `npx tsx bench/run.ts http` spreads over 100,000). */
const KEYS = Number(process.env.HTTP_AB_KEYS ?? 20_000);

/**
 * A store that only prepares (the tree's `prepareBatch`) and answers as if every transaction were
 * written: the server's own work without the database's.
 */
export function preparingStore(prepareBatch: (txns: unknown) => PreparedBatch): EventStore {
  let txn = 0;
  let seq = 0;
  const fake = {
    appendBatch: (txns: unknown): Promise<BatchResponse> => {
      const p = prepareBatch(txns);
      const results = p.txns.map((t) => ({
        txn: ++txn,
        results: t.events.map(() => ({ seq: ++seq, txn, duplicate: false })),
      }));
      return Promise.resolve({ results, error: p.error });
    },
    close: (): Promise<void> => Promise.resolve(),
  };
  return fake as unknown as EventStore;
}

export async function runHttpChild(
  open: (file: string) => EventStore,
  build: (store: EventStore) => { app: FastifyInstance },
): Promise<void> {
  const calls = Number(process.argv[2]);
  const warm = Number(process.argv[3]);
  let k = 0;
  const body = (): string => {
    const parts: string[] = [];
    for (let i = 0; i < TXNS_PER_BODY; i++, k++)
      parts.push(serializeTxn('bench.writer', { events: [tradeEvent(k, KEYS)] }));
    return `{"txns":[${parts.join(',')}]}`;
  };
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-http-ab-'));
  const store = open(join(dir, 's.db'));
  const { app } = build(store);
  await app.ready();
  const send = (payload: string): Promise<{ statusCode: number; body: string }> =>
    app.inject({ method: 'POST', url: '/v1/batch', headers: { 'content-type': 'application/json' }, payload });
  /** Checked outside the measured time: every transaction applied. */
  const check = (res: { statusCode: number; body: string }): void => {
    const answer = JSON.parse(res.body) as { error?: unknown; results?: unknown[] };
    if (res.statusCode !== 200 || answer.error !== null || answer.results?.length !== TXNS_PER_BODY) {
      throw new Error(`POST /v1/batch: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
  };
  try {
    for (let i = 0; i < warm; i++) check(await send(body()));
    const bodies = Array.from({ length: calls }, body);
    let cpu = 0;
    let user = 0;
    for (let i = 0; i < calls; i++) {
      const c0 = process.cpuUsage();
      const res = await send(bodies[i]!);
      const c = process.cpuUsage(c0);
      cpu += c.user + c.system;
      user += c.user;
      bodies[i] = '';
      check(res);
    }
    const result: HttpChildResult = { cpuUs: cpu, userUs: user, events: calls * TXNS_PER_BODY };
    process.stdout.write(`result ${JSON.stringify(result)}\n`);
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
