/**
 * The StoreApi as the Electron renderer gets it (`window.tidemark`), driven end to end through the
 * real preload bridge, handler wrapper, handlers, connection manager, job workers and SQLite files
 * (see harness.ts; only Electron's process boundary and native dialogs are absent).
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Progress } from '../../src-core/model/store-api';
import type { StoredEvent } from '../../src-core/model/types';
import { rejection, startHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

function waitFor<T>(get: () => T | undefined, what: string, ms = 20_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      const v = get();
      if (v !== undefined) return resolve(v);
      if (Date.now() - started > ms) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

describe('window.tidemark over IPC', () => {
  it('starts on the default store in userData, created on first launch', async () => {
    const conn = await h.api.currentConnection();
    expect(conn).toMatchObject({ kind: 'sqlite', label: 'tidemark.db', readOnly: false, role: 'admin' });
    expect(conn!.target).toBe(path.join(h.userData, 'tidemark.db'));
    expect(await h.api.capabilities()).toEqual({ mode: 'electron', canOpenFiles: true, canConnect: true });
    expect(await h.api.listTopics()).toEqual([]);
  });

  it('loads the sample and reads topics, events, transactions and the surface', async () => {
    const { topic } = await h.api.loadSampleData();
    expect(topic).toBe('demo.trades');
    const topics = await h.api.listTopics();
    expect(topics.map((t) => t.topic)).toEqual(['demo.trades']);
    const info = await h.api.topicInfo(topic);
    expect(info.events).toBeGreaterThan(1000);
    const page = await h.api.readEvents(topic, { limit: 5 });
    expect(page.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    const desc = await h.api.readEvents(topic, { order: 'desc', limit: 1 });
    expect(desc.events[0]!.seq).toBe(info.maxSeq);
    const txns = await h.api.listTxns(topic, { limit: 2 });
    expect(txns.txns[0]!.txn).toBe(1);
    const t1 = await h.api.getTxn(topic, 1);
    expect(t1.events.length).toBe(t1.count);
    const surface = await h.api.surface(topic, { limit: 10 });
    expect(surface.rows).toHaveLength(10);
    const keys = surface.rows.map((r) => r.key);
    expect([...keys].sort()).toEqual(keys);
    const next = await h.api.surface(topic, { limit: 10, after: surface.next! });
    expect(next.rows[0]!.key > keys[9]!).toBe(true);
  });

  it('rejects with a plain coded error: NOT_FOUND, BAD_REQUEST from the store and from the schema', async () => {
    const nf = await rejection(h.api.topicInfo('nope'));
    expect(nf.code).toBe('NOT_FOUND');
    const badTopic = await rejection(h.api.append('bad topic!', { events: [{ key: 'k', data: 1 }] }));
    expect(badTopic.code).toBe('BAD_REQUEST');
    expect(badTopic.message).toMatch(/topic/);
    const badLimit = await rejection(h.api.surface('t', { limit: 0 }));
    expect(badLimit).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('opts.limit') as string });
  });

  it('appends and tails live: backlog then new events, in order, until unsubscribed', async () => {
    await h.api.append('live.t', { events: [{ key: 'a', data: 1 }] });
    const got: StoredEvent[] = [];
    const stop = h.api.subscribe('live.t', 0, (events) => got.push(...events));
    await waitFor(() => (got.length === 1 ? true : undefined), 'the backlog');
    const res = await h.api.append('live.t', {
      events: [
        { key: 'b', data: 2 },
        { key: 'c', data: 3 },
      ],
    });
    expect(res.txn).toBe(2);
    await waitFor(() => (got.length === 3 ? true : undefined), 'live events');
    expect(got.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(h.handlerSet.liveCount()).toBe(1);
    stop();
    await waitFor(() => (h.handlerSet.liveCount() === 0 ? true : undefined), 'the unsubscribe');
    await h.api.append('live.t', { events: [{ key: 'd', data: 4 }] });
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toHaveLength(3);
  });

  it('keeps live tails through a read-only/colour change, ends them with CANCELLED on a switch', async () => {
    const errors: string[] = [];
    h.api.subscribe(
      'sw.t',
      0,
      () => undefined,
      (e) => errors.push(e.code),
    );
    await waitFor(() => (h.handlerSet.liveCount() === 1 ? true : undefined), 'the subscription');
    const conn = (await h.api.currentConnection())!;
    await h.api.updateConnection(conn.id, { color: '#00aa00' });
    expect(h.handlerSet.liveCount()).toBe(1);
    h.dialogs.storeFile = path.join(h.dir, 'second.db');
    await h.api.openFile({ create: true });
    expect(h.handlerSet.liveCount()).toBe(0);
    await waitFor(() => (errors.length === 1 ? true : undefined), 'the subscribe:error push');
    expect(errors).toEqual(['CANCELLED']);
  });

  it('ends subscriptions when the window closes', async () => {
    h.api.subscribe('w.t', 0, () => undefined);
    await waitFor(() => (h.handlerSet.liveCount() === 1 ? true : undefined), 'the subscription');
    h.closeWindow();
    expect(h.handlerSet.liveCount()).toBe(0);
  });

  it('on a local file records the OS user name as by, for writes and invalidations, and keeps meta', async () => {
    const me = userInfo().username;
    await h.api.append('who.t', { events: [{ key: 'a', data: 1 }], meta: { note: 'from the app' } });
    await h.api.append('who.t', { events: [{ key: 'a', data: 2 }], by: 'someone' });
    await h.api.invalidate('who.t', 2, 'wrong');
    const txns = (await h.api.listTxns('who.t')).txns;
    expect(txns.map((t) => [t.txn, t.by, t.meta])).toEqual([
      [1, me, { note: 'from the app' }],
      [2, 'someone', null],
      [3, me, null],
    ]);
    expect((await h.api.listTxns('who.t', { by: me })).txns.map((t) => t.txn)).toEqual([1, 3]);
  });

  it('records the writer name of the settings as by on writes and re-publishes; dry runs write nothing', async () => {
    const me = userInfo().username;
    expect(await h.api.settings()).toMatchObject({ by: me, bySet: false, editable: true });
    await expect(h.api.updateSettings({ by: 'x'.repeat(201) })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await h.api.updateSettings({ by: 'Ana Lima' })).toMatchObject({ by: 'Ana Lima', bySet: true });
    await h.api.append('rp.t', { events: [{ key: 'a', data: 1 }] });
    const dry = await h.api.append(
      'rp.t',
      {
        events: [
          { key: 'a', data: 1 },
          { key: 'b', data: 1 },
        ],
      },
      { dryRun: true },
    );
    expect(dry.results.map((r) => r.duplicate)).toEqual([true, false]);
    expect((await h.api.topicInfo('rp.t')).maxSeq).toBe(1);
    await h.api.append('rp.t', { events: [{ key: 'a', data: 2 }] });
    await h.api.invalidate('rp.t', 2, 'wrong');
    const preview = await h.api.previewRepublish('rp.t', 2);
    expect(preview).toMatchObject({ writes: 1, skips: 0, asOf: { maxSeq: 3, maxTxn: 3 } });
    const res = await h.api.republish('rp.t', 2, { note: 'was right', expectMaxSeq: preview.asOf.maxSeq });
    expect(res).toEqual({ topic: 'rp.t', target: 2, txn: 4, written: 1, skipped: 0 });
    const t4 = await h.api.getTxn('rp.t', 4);
    expect([t4.by, t4.meta]).toEqual(['Ana Lima', { note: 'was right', republishOf: 2 }]);
    expect((await h.api.listTxns('rp.t')).txns.map((t) => t.by)).toEqual([
      'Ana Lima',
      'Ana Lima',
      'Ana Lima',
      'Ana Lima',
    ]);
    // Empty goes back to the OS user name.
    expect((await h.api.updateSettings({ by: '' })).by).toBe(me);
    const conn = (await h.api.currentConnection())!;
    await h.api.updateConnection(conn.id, { readOnly: true });
    expect(await rejection(h.api.republish('rp.t', 2))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('previews and performs an invalidation; read-only refuses writes in main', async () => {
    await h.api.append('inv.t', { events: [{ key: 'a', data: 1 }] });
    await h.api.append('inv.t', { events: [{ key: 'a', data: 2 }] });
    const preview = await h.api.previewInvalidate('inv.t', 2);
    expect(preview.rows).toEqual([
      {
        key: 'a',
        before: expect.objectContaining({ data: 2 }) as unknown,
        after: expect.objectContaining({ data: 1 }) as unknown,
      },
    ]);
    const inv = await h.api.invalidate('inv.t', 2, 'wrong price');
    expect(inv).toMatchObject({ target: 2, duplicate: false });
    expect((await h.api.surface('inv.t')).rows[0]!.data).toBe(1);

    const conn = (await h.api.currentConnection())!;
    const ro = await h.api.updateConnection(conn.id, { readOnly: true, color: '#cc3300' });
    expect(ro).toMatchObject({ readOnly: true, color: '#cc3300' });
    expect((await h.api.currentConnection())!.readOnly).toBe(true);
    for (const p of [
      h.api.append('inv.t', { events: [{ key: 'b', data: 1 }] }),
      h.api.invalidate('inv.t', 1, 'x'),
      h.api.loadSampleData(),
    ]) {
      expect((await rejection(p)).code).toBe('FORBIDDEN');
    }
    expect((await h.api.topicInfo('inv.t')).maxSeq).toBe(3);
    // reads still work
    expect((await h.api.readEvents('inv.t')).events).toHaveLength(3);
  });

  it('diffs an uploaded Blob (bytes) and a picked File (by path) in a worker, with progress', async () => {
    await h.api.append('d.t', {
      events: [
        { key: 'k1', data: { px: '1' } },
        { key: 'k2', data: { px: '2' } },
        { key: 'k3', data: { px: '3' } },
      ],
    });
    const csv = 'key,px\nk1,1\nk2,9\nk4,4\n';
    const progress: Progress[] = [];
    const fromBytes = await h.api.diff(
      'd.t',
      { file: new Blob([csv]), fileName: 'snap.csv' },
      { onProgress: (p) => progress.push(p) },
    );
    expect(fromBytes.summary).toMatchObject({ equal: 1, different: 1, missingInStore: 1, missingInSnapshot: 1 });
    expect(fromBytes.rows.find((r) => r.key === 'k2')).toMatchObject({ status: 'different', fields: ['px'] });
    expect(progress.length).toBeGreaterThan(0);

    const file = path.join(h.dir, 'snap.ndjson');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, '{"key":"k1","px":"1"}\n{"key":"k2","px":"2"}\n{"key":"k3","px":"3"}\n');
    const picked = new Blob(['ignored: main reads the file itself']);
    h.pickedFiles.set(picked, file);
    const fromPath = await h.api.diff('d.t', { file: picked, fileName: 'snap.ndjson' });
    expect(fromPath.summary).toMatchObject({ equal: 3, different: 0, missingInStore: 0, missingInSnapshot: 0 });

    const bad = await rejection(h.api.diff('d.t', { file: new Blob(['key,px\nk1,1\nk1,2\n']), fileName: 's.csv' }));
    expect(bad.code).toBe('BAD_REQUEST');
  });

  it('repairs from a diff in a worker: dry run, chosen keys, the OS user as by, a stale diff writes nothing, read-only refused', async () => {
    await h.api.append('r.t', {
      events: [
        { key: 'k1', data: { px: 1, desk: 'a' } },
        { key: 'k2', data: { px: 2, desk: 'b' } },
        { key: 'k3', data: { px: 3, desk: 'c' } },
      ],
    });
    const csv = 'key,px\nk1,10\nk2,20\nk3,3\n';
    const req = { file: new Blob([csv]), fileName: 'up.csv', reason: 'upstream is right' };
    const progress: Progress[] = [];
    const dry = await h.api.repair('r.t', { ...req, dryRun: true }, { onProgress: (p) => progress.push(p) });
    expect(dry).toMatchObject({ dryRun: true, written: 2, txns: [2] }); // the numbers it would take
    expect(progress.length).toBeGreaterThan(0);
    expect((await h.api.topicInfo('r.t')).maxSeq).toBe(3);

    const stale = await rejection(h.api.repair('r.t', { ...req, keys: ['k2'], expectMaxSeq: 2 }));
    expect(stale.code).toBe('CONFLICT');
    expect((await h.api.topicInfo('r.t')).maxSeq).toBe(3);

    const res = await h.api.repair('r.t', { ...req, keys: ['k2'], expectMaxSeq: dry.asOf.maxSeq });
    expect(res).toMatchObject({ dryRun: false, written: 1, txns: [2] });
    expect(res.events.map((e) => [e.key, e.data])).toEqual([['k2', { px: 20, desk: 'b' }]]);
    const txn = await h.api.getTxn('r.t', 2);
    expect(txn.by).toBe(userInfo().username);
    expect((txn.meta as { repair?: { reason?: unknown } }).repair?.reason).toBe('upstream is right');

    const conn = (await h.api.currentConnection())!;
    await h.api.updateConnection(conn.id, { readOnly: true });
    expect((await rejection(h.api.repair('r.t', req))).code).toBe('FORBIDDEN');
    expect((await h.api.topicInfo('r.t')).maxSeq).toBe(4);
  });

  it('cancels a diff through its AbortSignal', async () => {
    await h.api.loadSampleData();
    const rows = ['key,qty'];
    for (let i = 0; i < 300_000; i++) rows.push(`K-${i},${i}`);
    const ac = new AbortController();
    const p = h.api.diff(
      'demo.trades',
      { file: new Blob([rows.join('\n')]), fileName: 'big.csv' },
      {
        signal: ac.signal,
        onProgress: () => ac.abort(),
      },
    );
    expect((await rejection(p)).code).toBe('CANCELLED');
    // Across the real contextBridge an AbortSignal arrives as a plain object: cancel via onStart.
    let cancel: (() => void) | undefined;
    const viaStart = h.api.diff(
      'demo.trades',
      { file: new Blob([rows.join('\n')]), fileName: 'big.csv' },
      { signal: {} as AbortSignal, onStart: (c) => (cancel = c), onProgress: () => cancel?.() },
    );
    expect((await rejection(viaStart)).code).toBe('CANCELLED');
    const pre = new AbortController();
    pre.abort();
    const early = h.api.diff('demo.trades', { file: new Blob(['key\n']), fileName: 'x.csv' }, { signal: pre.signal });
    expect((await rejection(early)).code).toBe('CANCELLED');
  });

  it('exports the surface to the file chosen in the save dialog', async () => {
    await h.api.append('e.t', {
      events: [
        { key: 'a,1', data: { q: 1 } },
        { key: 'b', data: 'x' },
      ],
    });
    h.dialogs.exportFile = path.join(h.dir, 'out.csv');
    const res = await h.api.exportSurface('e.t', { format: 'csv' });
    expect(res).toEqual({ savedAs: h.dialogs.exportFile, rows: 2 });
    expect(h.dialogs.asked).toContain('export:e.t-surface.csv');
    const lines = readFileSync(h.dialogs.exportFile, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe('key,seq,txn,hash,time,invalid,data');
    expect(lines[1]).toMatch(/^"a,1",1,1,[0-9a-f]{64},.*,false,"{""q"":1}"$/);
    h.dialogs.exportFile = path.join(h.dir, 'out.ndjson');
    const nd = await h.api.exportSurface('e.t', { format: 'ndjson', prefix: 'b' });
    expect(nd.rows).toBe(1);
    expect(JSON.parse(readFileSync(h.dialogs.exportFile, 'utf8'))).toMatchObject({ key: 'b', data: 'x' });
    h.dialogs.exportFile = null;
    expect(await h.api.exportSurface('e.t', { format: 'csv' })).toEqual({ savedAs: null, rows: 0 });
  });

  it('opens and creates files only through the dialog or the recent list', async () => {
    const other = path.join(h.dir, 'other.db');
    const forged = await rejection(h.api.openFile({ path: other, create: true }));
    expect(forged.code).toBe('FORBIDDEN');
    h.dialogs.storeFile = null;
    expect(await h.api.openFile({ create: true })).toBeNull();
    h.dialogs.storeFile = other;
    const created = await h.api.openFile({ create: true, color: 'teal' });
    expect(created).toMatchObject({ kind: 'sqlite', target: other, label: 'other.db', color: 'teal' });
    expect(await h.api.listTopics()).toEqual([]);
    const recent = await h.api.recentConnections();
    expect(recent.map((c) => c.label)).toEqual(['other.db', 'tidemark.db']);
    const back = await h.api.reconnect(recent[1]!.id);
    expect(back.label).toBe('tidemark.db');
    // a remembered file may be opened by path
    expect((await h.api.openFile({ path: other }))!.target).toBe(other);
    await h.api.forgetConnection(recent[1]!.id);
    expect((await h.api.recentConnections()).map((c) => c.label)).toEqual(['other.db']);
    expect((await rejection(h.api.reconnect(recent[1]!.id))).code).toBe('NOT_FOUND');
    h.dialogs.storeFile = path.join(h.dir, 'missing.db');
    expect((await rejection(h.api.openFile({}))).code).toBe('NOT_FOUND');
    expect((await h.api.currentConnection())!.target).toBe(other);
  });
});
