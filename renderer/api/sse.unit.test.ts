import { describe, expect, it } from 'vitest';
import { createEventCollector } from './sse';

const ev = (seq: number): string =>
  `id: ${seq}\ndata: ${JSON.stringify({ topic: 't', seq, txn: seq, key: `k${seq}`, type: 'event', data: { seq } })}\n\n`;

describe('createEventCollector', () => {
  it('parses events split across chunks, in order, above `after` only', () => {
    const c = createEventCollector(1);
    const text = ev(1) + ': heartbeat\n\n' + ev(2) + ev(3);
    const cut = text.indexOf('"seq":3') - 5;
    const first = c.feed(text.slice(0, cut));
    const second = c.feed(text.slice(cut));
    expect(first.map((e) => e.seq)).toEqual([2]);
    expect(second.map((e) => e.seq)).toEqual([3]);
    expect(c.last()).toBe(3);
  });

  it('drops duplicates after a reconnect', () => {
    const c = createEventCollector(0);
    expect(c.feed(ev(1) + ev(2)).length).toBe(2);
    c.reset();
    expect(c.feed(ev(2) + ev(3)).map((e) => e.seq)).toEqual([3]);
  });
});

describe("the server's error event", () => {
  it('is taken once, after the events before it, and does not move the cursor', () => {
    const c = createEventCollector(0);
    const failure = `event: error\ndata: ${JSON.stringify({ error: { code: 'INTERNAL', message: 'event 3 of topic "t" cannot be serialised' } })}\n\n`;
    expect(c.feed(ev(1) + ev(2) + failure).map((e) => e.seq)).toEqual([1, 2]);
    expect(c.last()).toBe(2); // the reconnect asks for what comes after 2
    const e = c.error();
    expect(e).toMatchObject({ code: 'INTERNAL', message: 'event 3 of topic "t" cannot be serialised' });
    expect(c.error()).toBeNull();
  });

  it('an unreadable error event is still an error', () => {
    const c = createEventCollector(0);
    c.feed('event: error\ndata: not json\n\n');
    expect(c.error()?.code).toBe('INTERNAL');
    expect(c.last()).toBe(0);
  });
});
