/**
 * Raw HTTP requests with unstorable text (lone surrogates and NUL as JSON escapes in the body,
 * which is how any client sends them) against a real server: every write route answers the same
 * 400 envelope, with the same message as the stores in the contract suite (cases/text.ts), and
 * nothing is written; astral text round-trips byte-identical. `rawStorableTextCases` registers the
 * tests for a server factory, so a SQLite-backed and a PostgreSQL-backed server are held to one
 * table.
 */
import { describe, expect, it } from 'vitest';
import type { TopicInfo } from '../../src-core/model/types';
import { BAD_TEXT, EVENT_FIELDS, GOOD_TEXT, txnWith } from '../contract/cases/text';
import { call, errorOf } from './helpers';

export interface RawServer {
  url: string;
  listTopics(): Promise<TopicInfo[]>;
  close(): Promise<void>;
}

async function post(url: string, body: unknown): Promise<ReturnType<typeof call>> {
  // JSON.stringify writes NUL as \u0000 and a lone surrogate as \udXXX: valid JSON and UTF-8.
  return call(url, { method: 'POST', body: JSON.stringify(body) });
}

export function rawStorableTextCases(label: string, start: () => Promise<RawServer>): void {
  describe(`storable text over raw HTTP: ${label}`, () => {
    it('refuses every unstorable field with the same 400 envelope and writes nothing', async () => {
      const s = await start();
      try {
        for (const bad of BAD_TEXT) {
          for (const f of EVENT_FIELDS) {
            const want = f.message(bad.problem, bad.text);
            const one = await post(`${s.url}/v1/topics/t/txns`, txnWith(f.event(bad.text)));
            expect([one.status, errorOf(one)], `${bad.name} in ${f.field}`).toEqual([
              400,
              { code: 'BAD_REQUEST', message: want },
            ]);
            const batch = await post(`${s.url}/v1/batch`, { txns: [{ topic: 'u', ...txnWith(f.event(bad.text)) }] });
            expect([batch.status, batch.body], `${bad.name} in ${f.field} (batch)`).toEqual([
              200,
              { results: [], error: { index: 0, status: 400, code: 'BAD_REQUEST', message: `txns[0].${want}` } },
            ]);
          }
          const topic = await post(`${s.url}/v1/batch`, { txns: [{ topic: `t${bad.text}`, events: [] }] });
          expect((topic.body as { error: { message: string } }).error.message).toMatch(/^txns\[0\]\.topic: /);
        }
        expect(await s.listTopics()).toEqual([]);
        const ok = await post(`${s.url}/v1/topics/t/txns`, { events: [{ key: 'a', data: 1 }] });
        expect(ok.status).toBe(200);
        const before = await s.listTopics();
        for (const bad of BAD_TEXT) {
          const inv = await post(`${s.url}/v1/topics/t/txns/1/invalidate`, { reason: bad.text });
          expect([inv.status, errorOf(inv)]).toEqual([400, { code: 'BAD_REQUEST', message: `reason: ${bad.problem}` }]);
        }
        expect(await s.listTopics()).toEqual(before);
      } finally {
        await s.close();
      }
    });

    it('round-trips astral text byte-identical, and takes NUL in key, prefix and after', async () => {
      const s = await start();
      try {
        const key = `k ${GOOD_TEXT}`;
        const data = { [GOOD_TEXT]: GOOD_TEXT };
        const w = await post(`${s.url}/v1/topics/t/txns`, { events: [{ key, data, contentType: GOOD_TEXT }] });
        expect(w.status).toBe(200);
        const q = new URLSearchParams({ key });
        const r = await call(`${s.url}/v1/topics/t/events?${q.toString()}`);
        const [e] = (r.body as { events: { key: string; data: unknown; contentType: string }[] }).events;
        expect(e).toMatchObject({ key, data, contentType: GOOD_TEXT });
        // The response carries the text exactly (UTF-8, no replacement characters added).
        expect(r.text).toContain(JSON.stringify(key).slice(1, -1));
        for (const path of ['events?key=k%00', 'surface?prefix=k%00', 'surface?after=k%00']) {
          const a = await call(`${s.url}/v1/topics/t/${path}`);
          expect(a.status, path).toBe(200);
        }
        const after = await call(`${s.url}/v1/topics/t/surface?after=k%00`);
        expect((after.body as { rows: { key: string }[] }).rows.map((x) => x.key)).toEqual([key]);
        const prefix = await call(`${s.url}/v1/topics/t/surface?prefix=k%00`);
        expect(prefix.body).toEqual({ rows: [], next: null });
      } finally {
        await s.close();
      }
    });
  });
}
