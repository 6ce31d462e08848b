import { describe, expect, it } from 'vitest';
import { SseEventReader } from './sse-parse';

const ev = (seq: number): string =>
  `id: ${seq}\ndata: ${JSON.stringify({ topic: 't', seq, txn: seq, key: `k${seq}`, type: 'event', data: { seq } })}\n\n`;
const seqs = (r: { events: { seq: number }[] }): number[] => r.events.map((e) => e.seq);

describe('SseEventReader', () => {
  it('parses events split across chunks, in order, above `after` only', () => {
    const c = new SseEventReader(1);
    const text = ev(1) + ': heartbeat\n\n' + ev(2) + ev(3);
    const cut = text.indexOf('"seq":3') - 5;
    expect(seqs(c.feed(text.slice(0, cut)))).toEqual([2]);
    expect(seqs(c.feed(text.slice(cut)))).toEqual([3]);
    expect(c.last).toBe(3);
  });

  it('drops duplicates after a reconnect', () => {
    const c = new SseEventReader(0);
    expect(c.feed(ev(1) + ev(2)).events.length).toBe(2);
    c.commit();
    c.restart();
    expect(seqs(c.feed(ev(2) + ev(3)))).toEqual([3]);
  });

  it('gives uncommitted events again after a reconnect (a consumer that threw misses nothing)', () => {
    const c = new SseEventReader(0);
    expect(seqs(c.feed(ev(1)))).toEqual([1]);
    c.commit();
    expect(seqs(c.feed(ev(2) + ev(3)))).toEqual([2, 3]);
    expect(c.delivered).toBe(1);
    c.restart();
    expect(seqs(c.feed(ev(2) + ev(3)))).toEqual([2, 3]);
  });

  it('reports a heartbeat as alive', () => {
    const c = new SseEventReader(0);
    expect(c.feed(': connected\n\n').alive).toBe(false);
    expect(c.feed(': hb\n\n').alive).toBe(true);
  });
});

describe("the server's error event", () => {
  it('comes after the events before it, does not move the cursor, and ends the connection', () => {
    const c = new SseEventReader(0);
    const failure = `event: error\ndata: ${JSON.stringify({ error: { code: 'INTERNAL', message: 'event 3 of topic "t" cannot be serialised' } })}\n\n`;
    const out = c.feed(ev(1) + ev(2) + failure + ev(4));
    expect(seqs(out)).toEqual([1, 2]);
    expect(out.error).toMatchObject({ code: 'INTERNAL', message: 'event 3 of topic "t" cannot be serialised' });
    expect(c.last).toBe(2); // the reconnect asks for what comes after 2
    expect(c.feed(ev(5))).toEqual({ events: [], error: null, alive: false });
    c.commit();
    c.restart();
    expect(seqs(c.feed(ev(3)))).toEqual([3]);
  });

  it('an unreadable error event is still an error', () => {
    const c = new SseEventReader(0);
    expect(c.feed('event: error\ndata: not json\n\n').error?.code).toBe('INTERNAL');
    expect(c.last).toBe(0);
  });

  it('an event that is not an event with a seq is an error, never skipped', () => {
    for (const data of ['not json', '{"seq":"2"}', '{"seq":0}', 'null', '{"seq":1.5}']) {
      const c = new SseEventReader(1);
      const out = c.feed(`id: 2\ndata: ${data}\n\n` + ev(3));
      expect(out.events).toEqual([]);
      expect(out.error).toMatchObject({
        code: 'INTERNAL',
        message: 'the live stream sent an unreadable event after seq 1',
      });
    }
  });

  it('refuses an event that grows past its bound, and counts again from each complete event', () => {
    const c = new SseEventReader(0, 200);
    // Heartbeats and events of any number keep the stream going: each one completes.
    for (let i = 1; i <= 5; i++) expect(seqs(c.feed(ev(i) + ': hb\n\n'))).toEqual([i]);
    // An event that never ends: its data lines pile up until the bound (150 + 1 + 60 characters).
    expect(c.feed('data: ' + 'x'.repeat(150) + '\n').error).toBeNull();
    const over = c.feed('data: ' + 'x'.repeat(60) + '\n');
    expect(over.error?.code).toBe('INTERNAL');
    expect(over.error?.message).toBe(
      "The live tail failed: an event of the server's live stream passed 200 characters, the most a client reads; it was not read further",
    );
    // Nothing more is taken from that connection; a new one starts with a fresh count.
    expect(c.feed(ev(6)).events).toEqual([]);
    c.commit();
    c.restart();
    expect(seqs(c.feed(ev(6)))).toEqual([6]);
  });

  it('refuses a line that never ends, however it is cut', () => {
    const c = new SseEventReader(0, 1000);
    expect(c.feed(ev(1)).events.length).toBe(1);
    let error = null;
    for (let i = 0; i < 200 && error === null; i++) error = c.feed('x'.repeat(7)).error;
    expect(error?.message).toContain('passed 1,000 characters');
  });
});
