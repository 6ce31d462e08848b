/**
 * The tamper cases of verify (docs/integrity.md), shared by the SQLite and PostgreSQL test files:
 * each writes the same small history through the store, then changes the tables UNDERNEATH it
 * with plain SQL on a connection of its own (better-sqlite3 on the file, `pg` on the schema) and
 * checks that verify names the right transaction and `what`: a changed data byte, a changed hash,
 * a changed time, a deleted event, reordered events (inside one transaction and across two), a
 * removed invalidation marker, a surface row, a counter, and a consistent rewrite that only an
 * anchor catches; legacy values written underneath (rewritten consistently, chains and all) are
 * listed and do not fail.
 */
import { describe, expect, it } from 'vitest';
import type { EventStore } from '../../src-core/store/types';
import { chainOfRead, dataDigest } from '../../src-core/store/chain';
import type { VerifyResult } from '../../src-core/model/integrity';

export interface Tamperable {
  store: EventStore;
  dialect: 'sqlite' | 'pg';
  /** Runs SQL on a connection of its own, under the store (tables unqualified). */
  exec: (sql: string) => Promise<void>;
  cleanup: () => Promise<void>;
}

export const TOPIC = 'tamper';

/**
 * txn 1: a=1, b=2 (seq 1-2) · txn 2: c=3 (seq 3) · txn 3: a=10, d="x" (seq 4-5) · txn 4: b
 * tombstone (seq 6) · txn 5: the marker invalidating txn 3 (seq 7) · txn 6: e=5 (seq 8).
 */
export async function writeHistory(store: EventStore): Promise<void> {
  await store.append(TOPIC, {
    events: [
      { key: 'a', data: 1 },
      { key: 'b', data: 2 },
    ],
    meta: { job: 'load' },
  });
  await store.append(TOPIC, { events: [{ key: 'c', data: 3 }] });
  await store.append(TOPIC, {
    events: [
      { key: 'a', data: 10 },
      { key: 'd', data: 'x' },
    ],
  });
  await store.append(TOPIC, { events: [{ key: 'b', data: null }] });
  await store.invalidate(TOPIC, 3, 'wrong');
  await store.append(TOPIC, { events: [{ key: 'e', data: 5 }] });
}

/**
 * Rewrites the data of event `seq` to `text` the way someone who knows the layout would: a new
 * hash, the chain of its transaction and of every later one, the head, the heads row's hash.
 */
export async function rewriteConsistently(t: Tamperable, seq: number, text: string): Promise<void> {
  const hash = dataDigest(text);
  const q = (s: string): string => `'${s.replace(/'/g, "''")}'`;
  await t.exec(`UPDATE events SET data = ${q(text)}, hash = ${q(hash)} WHERE seq = ${seq}`);
  // SQLite's heads rows hold no hash (schema v4): only PostgreSQL's has one to rewrite.
  if (t.dialect !== 'sqlite') await t.exec(`UPDATE heads SET valid_hash = ${q(hash)} WHERE valid_seq = ${seq}`);
  const txns = (await t.store.listTxns(TOPIC, { limit: 1000 })).txns;
  let prev = '0'.repeat(64);
  for (const info of txns) {
    const detail = await t.store.getTxn(TOPIC, info.txn);
    const chain = chainOfRead(prev, { ...info, chain: null } as never, detail.events);
    await t.exec(`UPDATE txns SET chain = ${q(chain)} WHERE txn = ${info.txn}`);
    prev = chain;
  }
  await t.exec(`UPDATE topics SET head = ${q(prev)}`);
}

export function tamperCases(label: string, make: () => Promise<Tamperable>, skip: string | null): void {
  describe.skipIf(skip !== null)(`verify finds tampering underneath the store: ${label}`, () => {
    async function tampered(
      sql: string[] | ((t: Tamperable) => Promise<void>),
      expectHead?: string,
    ): Promise<VerifyResult> {
      const t = await make();
      try {
        await writeHistory(t.store);
        expect((await t.store.verify(TOPIC)).ok).toBe(true);
        if (typeof sql === 'function') await sql(t);
        else for (const s of sql) await t.exec(s);
        return await t.store.verify(TOPIC, expectHead !== undefined ? { expectHead } : {});
      } finally {
        await t.cleanup();
      }
    }
    const bad = (r: VerifyResult): VerifyResult['firstBad'] => {
      expect(r.ok).toBe(false);
      return r.firstBad;
    };

    it('a changed data byte is data, at its transaction', async () => {
      const r = await tampered(["UPDATE events SET data = '11' WHERE seq = 4"]);
      expect(bad(r)).toMatchObject({ txn: 3, what: 'data' });
      expect(r.firstBad!.message).toContain('seq 4');
      expect(r.txns).toBe(2);
    });

    it('a changed hash is hash, at its transaction', async () => {
      const r = await tampered([`UPDATE events SET hash = '${'ab'.repeat(32)}' WHERE seq = 3`]);
      expect(bad(r)).toMatchObject({ txn: 2, what: 'hash' });
      expect(r.firstBad!.message).toContain('"c"');
    });

    it('a changed time is chain, at its transaction', async () => {
      const sql = (t: Tamperable): Promise<void> =>
        t.dialect === 'sqlite'
          ? t
              .exec('UPDATE txns SET time = time + 1000 WHERE txn = 2')
              .then(() => t.exec('UPDATE events SET time = time + 1000 WHERE seq = 3'))
          : t
              .exec("UPDATE txns SET time = '2020-01-01T00:00:00.000Z' WHERE txn = 2")
              .then(() => t.exec("UPDATE events SET time = '2020-01-01T00:00:00.000Z' WHERE seq = 3"));
      expect(bad(await tampered(sql))).toMatchObject({ txn: 2, what: 'chain' });
    });

    it('a deleted event is numbering, at its transaction', async () => {
      const r = await tampered(['DELETE FROM events WHERE seq = 4']);
      expect(bad(r)).toMatchObject({ txn: 3, what: 'numbering' });
      expect(r.firstBad!.message).toContain('seq 4 is missing');
    });

    it('events reordered inside a transaction are chain, across transactions numbering', async () => {
      const swap = (x: number, y: number): string[] => [
        `UPDATE events SET seq = -1 WHERE seq = ${x}`,
        `UPDATE events SET seq = ${x} WHERE seq = ${y}`,
        `UPDATE events SET seq = ${y} WHERE seq = -1`,
      ];
      expect(bad(await tampered(swap(4, 5)))).toMatchObject({ txn: 3, what: 'chain' });
      expect(bad(await tampered(swap(3, 4)))).toMatchObject({ txn: 2, what: 'numbering' });
    });

    it('a removed invalidation marker is marker, at the transaction it invalidated', async () => {
      const r = await tampered(['DELETE FROM events WHERE seq = 7', 'DELETE FROM txns WHERE txn = 5']);
      expect(bad(r)).toMatchObject({ txn: 3, what: 'marker' });
      expect(r.firstBad!.message).toContain('seq 7');
    });

    it('a marker whose target no longer records it is marker, at the marker', async () => {
      expect(bad(await tampered(['UPDATE txns SET invalidated_by = NULL, reason = NULL WHERE txn = 3']))).toMatchObject(
        {
          what: 'marker',
        },
      );
    });

    it('a surface row that does not match the log is surface, at the key’s transaction', async () => {
      const sql = (t: Tamperable): Promise<void> =>
        t.exec(
          t.dialect === 'sqlite'
            ? "UPDATE heads SET raw = 1 WHERE key = 'c'"
            : "UPDATE heads SET raw_seq = 1 WHERE key = 'c'",
        );
      const r = await tampered(sql);
      expect(bad(r)).toMatchObject({ txn: 2, what: 'surface' });
      expect(r.firstBad!.message).toContain('"c"');
      const gone = (t: Tamperable): Promise<void> => t.exec("DELETE FROM heads WHERE key = 'e'");
      expect(bad(await tampered(gone))).toMatchObject({ txn: 6, what: 'surface' });
    });

    it('a counter that does not match the log is counters', async () => {
      const r = await tampered(['UPDATE topics SET keys = keys + 1']);
      expect(bad(r)).toMatchObject({ txn: 6, what: 'counters' });
      expect(r.firstBad!.message).toContain('keys');
      expect(r.txns).toBe(6);
    });

    it('a consistent rewrite passes the chain but not an anchor kept elsewhere', async () => {
      let anchor = '';
      const rewrite = async (t: Tamperable): Promise<void> => {
        anchor = (await t.store.topicInfo(TOPIC)).head!;
        await rewriteConsistently(t, 3, '4');
        const plain = await t.store.verify(TOPIC);
        expect(plain.ok).toBe(true);
        expect(plain.head).not.toBe(anchor);
      };
      const t = await make();
      try {
        await writeHistory(t.store);
        await rewrite(t);
        const r = await t.store.verify(TOPIC, { expectHead: anchor });
        expect(bad(r)).toMatchObject({ txn: null, what: 'anchor' });
      } finally {
        await t.cleanup();
      }
    });

    it('lists legacy values written underneath without failing', async () => {
      const t = await make();
      try {
        await writeHistory(t.store);
        const deep = '['.repeat(140) + ']'.repeat(140);
        await rewriteConsistently(t, 1, '{"s":"a\\u0000b"}');
        await rewriteConsistently(t, 2, deep);
        await rewriteConsistently(t, 8, '"\\ud800"');
        const r = await t.store.verify(TOPIC);
        expect(r).toMatchObject({ ok: true, firstBad: null, legacyCut: false });
        expect(r.legacy.map((l) => [l.txn, l.seq, l.key])).toEqual([
          [1, 1, 'a'],
          [1, 2, 'b'],
          [6, 8, 'e'],
        ]);
        expect(r.legacy[0]!.problem).toContain('NUL');
        expect(r.legacy[1]!.problem).toContain('nesting deeper');
        expect(r.legacy[2]!.problem).toContain('lone surrogate');
      } finally {
        await t.cleanup();
      }
    });
  });
}
