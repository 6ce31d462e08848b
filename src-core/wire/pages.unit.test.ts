/**
 * The one read-ahead of paged reads (pages.ts): the `Tidemark-Next` value of every cursor and its
 * parse (malformed, too long or lying headers ignored, the body the authority), one page asked
 * ahead at most, `max` never passed, and a stopped reader cancelling the page asked ahead.
 */
import { describe, expect, it } from 'vitest';
import { INVALIDATE_KEY, LIMITS } from '../model/limits';
import type { EventPage, ReadEventsOptions, SurfaceOptions, SurfacePage } from '../model/types';
import {
  EVENT_PAGES,
  NEXT_HEADER,
  type PageRequest,
  SURFACE_PAGES,
  keyOfHeader,
  nextHeaderValue,
  nextOfHeader,
  responsePages,
} from './pages';

/** The pages of events over "HTTP" (`responsePages` of events). */
const readEventPages = (
  send: PageRequest<ReadEventsOptions>,
  parse: (res: Response) => Promise<EventPage>,
  opts: ReadEventsOptions = {},
  max?: number,
): AsyncGenerator<EventPage, void, undefined> => responsePages(EVENT_PAGES, send, parse, opts, max);

/**
 * A fake server of `pages` pages of 2 events (seqs 1..2*pages; a request gets up to its `limit`,
 * default 2); records each request and whether it was aborted.
 */
function fakeServer(pages: number, header: boolean) {
  const asked: { opts: ReadEventsOptions; signal: AbortSignal }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const send = (opts: ReadEventsOptions, signal: AbortSignal): Promise<Response> => {
    asked.push({ opts, signal });
    const desc = opts.order === 'desc';
    const cursor = desc ? (opts.before ?? pages * 2 + 1) : (opts.after ?? 0);
    const seqs: number[] = [];
    for (let i = 1; i <= (opts.limit ?? 2); i++) {
      const seq = desc ? cursor - i : cursor + i;
      if (seq >= 1 && seq <= pages * 2) seqs.push(seq);
    }
    const end = seqs[seqs.length - 1]!;
    const last = desc ? end <= 1 : end >= pages * 2;
    const page: EventPage = {
      events: seqs.map((seq) => ({ seq }) as EventPage['events'][number]),
      next: last ? null : end,
    };
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const headers: Record<string, string> = header ? { [NEXT_HEADER]: String(page.next) } : {};
    return Promise.resolve(new Response(JSON.stringify(page), { headers }));
  };
  const parse = async (res: Response): Promise<EventPage> => {
    const page = JSON.parse(await res.text()) as EventPage;
    inFlight--;
    return page;
  };
  return { send, parse, asked, maxInFlight: () => maxInFlight };
}

describe('nextHeaderValue, keyOfHeader', () => {
  const keys = [
    'a',
    'null',
    '17',
    '"',
    '\\',
    ' lead',
    'trail ',
    'é😀 ü',
    'tab\there',
    'line\nbreak',
    '\u007f',
    'k'.repeat(LIMITS.keyMax),
  ];
  it('writes any cursor as printable ASCII that JSON.parse gives back, and reads keys back', () => {
    expect(nextHeaderValue(17)).toBe('17');
    expect(nextHeaderValue(null)).toBe('null');
    expect(nextOfHeader(nextHeaderValue(17))).toBe(17);
    for (const key of [...keys, '😀'.repeat(LIMITS.keyMax / 2)]) {
      const v = nextHeaderValue(key);
      expect(v, key).toMatch(/^"[\x20-\x7e]*"$/);
      expect(JSON.parse(v), key).toBe(key);
      expect(keyOfHeader(v), key).toBe(key);
    }
    expect(keyOfHeader('null')).toBeNull();
  });

  it('reads nothing but a JSON string that is a key, or null', () => {
    for (const v of [
      null,
      undefined,
      '',
      'a',
      '17',
      '"',
      '"a',
      '""',
      '"a" ',
      '["a"]',
      '{"a":1}',
      '"\\ud800"',
      JSON.stringify(INVALIDATE_KEY),
      JSON.stringify('k'.repeat(LIMITS.keyMax + 1)),
      `"${'\\u0041'.repeat(LIMITS.keyMax + 1)}"`,
    ]) {
      expect(keyOfHeader(v), String(v)).toBeUndefined();
    }
    // Seq cursors refuse keys.
    expect(nextOfHeader('"17"')).toBeUndefined();
  });
});

describe('nextOfHeader', () => {
  it('reads a seq or null, and nothing else', () => {
    expect(nextOfHeader('17')).toBe(17);
    expect(nextOfHeader('null')).toBeNull();
    for (const v of [null, undefined, '', '-1', '1.5', ' 1', 'abc', '99999999999999999']) {
      expect(nextOfHeader(v), String(v)).toBeUndefined();
    }
  });
});

describe('readPages over responses (events)', () => {
  it('yields every page in order, asking for the next one before the page in hand is parsed', async () => {
    const s = fakeServer(4, true);
    const seqs: number[] = [];
    for await (const p of readEventPages(s.send, s.parse, { limit: 2 })) {
      seqs.push(...p.events.map((e) => e.seq));
      // The page after this one is asked already (read-ahead), never more than one.
      expect(s.asked.length).toBe(Math.min(seqs.length / 2 + 1, 4));
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(s.asked.map((a) => a.opts)).toEqual([
      { limit: 2 },
      { limit: 2, after: 2 },
      { limit: 2, after: 4 },
      { limit: 2, after: 6 },
    ]);
    expect(s.maxInFlight()).toBe(2);
  });

  it('pages newest first by `before`', async () => {
    const s = fakeServer(2, true);
    const seqs: number[] = [];
    for await (const p of readEventPages(s.send, s.parse, { order: 'desc', limit: 2 })) {
      seqs.push(...p.events.map((e) => e.seq));
    }
    expect(seqs).toEqual([4, 3, 2, 1]);
    expect(s.asked[1]!.opts).toEqual({ order: 'desc', limit: 2, before: 3 });
  });

  it('without the header, asks for each page after the last one is read (no read-ahead)', async () => {
    const s = fakeServer(3, false);
    const seqs: number[] = [];
    for await (const p of readEventPages(s.send, s.parse, { limit: 2 })) {
      seqs.push(...p.events.map((e) => e.seq));
      expect(s.asked.length).toBe(seqs.length / 2);
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.maxInFlight()).toBe(1);
  });

  it('stopping early aborts the page asked ahead', async () => {
    const s = fakeServer(5, true);
    for await (const p of readEventPages(s.send, s.parse, { limit: 2 })) {
      if (p.events[0]!.seq === 3) break;
    }
    expect(s.asked.length).toBe(3);
    expect(s.asked.map((a) => a.signal.aborted)).toEqual([false, false, true]);
  });

  it('a failed page is thrown where it is read; one asked ahead that fails after a stop is ignored', async () => {
    let n = 0;
    const failing = (): Promise<Response> =>
      ++n === 1
        ? Promise.resolve(new Response('{"events":[],"next":5}', { headers: { [NEXT_HEADER]: '5' } }))
        : Promise.reject(new Error('boom'));
    const parse = async (res: Response): Promise<EventPage> => JSON.parse(await res.text()) as EventPage;
    const it = readEventPages(failing, parse);
    expect((await it.next()).value).toEqual({ events: [], next: 5 });
    await expect(it.next()).rejects.toThrow('boom');
    n = 0;
    const stopped = readEventPages(failing, parse);
    await stopped.next();
    await stopped.return(undefined);
    await new Promise((r) => setTimeout(r, 10)); // no unhandled rejection reaches vitest
  });

  it('with `max`, never asks for rows beyond it, counting the page in flight as full', async () => {
    const s = fakeServer(10, true);
    const seqs: number[] = [];
    for await (const p of readEventPages(s.send, s.parse, { limit: 4 }, 10)) seqs.push(...p.events.map((e) => e.seq));
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The third page is asked for the 2 rows left, and nothing after it (its header has a next).
    expect(s.asked.map((a) => a.opts)).toEqual([{ limit: 4 }, { limit: 4, after: 4 }, { limit: 2, after: 8 }]);
    expect(s.asked.every((a) => !a.signal.aborted)).toBe(true);
    for (const [max, limits] of [
      [4, [4]],
      [5, [4, 1]],
      [3, [3]],
    ] as const) {
      const t = fakeServer(10, true);
      let rows = 0;
      for await (const p of readEventPages(t.send, t.parse, { limit: 4 }, max)) rows += p.events.length;
      expect(rows).toBe(max);
      expect(t.asked.map((a) => a.opts.limit)).toEqual(limits);
    }
  });

  it('with `max`, a short page that still has a next leaves room: the page after is asked once it is read', async () => {
    const asked: ReadEventsOptions[] = [];
    // The first page holds 1 row of the 3 asked (a server may answer short), then full pages.
    const send = (opts: ReadEventsOptions): Promise<Response> => {
      asked.push(opts);
      const after = opts.after ?? 0;
      const n = after === 0 ? 1 : (opts.limit ?? 3);
      const page = { events: Array.from({ length: n }, (_, i) => ({ seq: after + i + 1 })), next: after + n };
      return Promise.resolve(new Response(JSON.stringify(page), { headers: { [NEXT_HEADER]: String(page.next) } }));
    };
    const parse = async (res: Response): Promise<EventPage> => JSON.parse(await res.text()) as EventPage;
    let rows = 0;
    for await (const p of readEventPages(send, parse, { limit: 3 }, 6)) rows += p.events.length;
    expect(rows).toBe(6);
    expect(asked).toEqual([{ limit: 3 }, { limit: 3, after: 1 }, { limit: 2, after: 4 }]);
    // With max 3 the first page (in flight, counted full) leaves no room to ask ahead; read, it leaves 2.
    asked.length = 0;
    rows = 0;
    for await (const p of readEventPages(send, parse, { limit: 3 }, 3)) rows += p.events.length;
    expect(rows).toBe(3);
    expect(asked).toEqual([{ limit: 3 }, { limit: 2, after: 1 }]);
  });

  it("the body is the authority: a header naming another cursor has its page dropped and the body's asked", async () => {
    for (const lie of ['3', 'null', 'x']) {
      const asked: { opts: ReadEventsOptions; signal: AbortSignal }[] = [];
      // Pages of 2 of 6 events whose header announces `lie` instead of the body's next.
      const send = (opts: ReadEventsOptions, signal: AbortSignal): Promise<Response> => {
        asked.push({ opts, signal });
        const after = opts.after ?? 0;
        const page = { events: [{ seq: after + 1 }, { seq: after + 2 }], next: after + 2 >= 6 ? null : after + 2 };
        const header = page.next === null ? 'null' : lie;
        return Promise.resolve(new Response(JSON.stringify(page), { headers: { [NEXT_HEADER]: header } }));
      };
      const parse = async (res: Response): Promise<EventPage> => JSON.parse(await res.text()) as EventPage;
      const seqs: number[] = [];
      for await (const p of readEventPages(send, parse, { limit: 2 })) seqs.push(...p.events.map((e) => e.seq));
      expect(seqs, lie).toEqual([1, 2, 3, 4, 5, 6]);
      const read = asked.filter((a) => !a.signal.aborted).map((a) => a.opts);
      expect(read, lie).toEqual([{ limit: 2 }, { limit: 2, after: 2 }, { limit: 2, after: 4 }]);
      // Only a well-formed lie starts a page, and that page is dropped.
      expect(
        asked.filter((a) => a.signal.aborted).map((a) => a.opts),
        lie,
      ).toEqual(
        lie === '3'
          ? [
              { limit: 2, after: 3 },
              { limit: 2, after: 3 },
            ]
          : [],
      );
    }
  });
});

describe('readPages over responses (surface, key cursors)', () => {
  it('reads ahead by the announced key, any key, and honours `max`', async () => {
    const keys = ['a', 'null', 'é😀', 'line\nbreak', 'x"y', 'z'];
    const asked: SurfaceOptions[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const send = (opts: SurfaceOptions): Promise<Response> => {
      asked.push(opts);
      const from = opts.after === undefined ? 0 : keys.indexOf(opts.after) + 1;
      const rows = keys.slice(from, from + (opts.limit ?? 2));
      const last = from + rows.length >= keys.length;
      const page = { rows: rows.map((key) => ({ key })), next: last ? null : rows[rows.length - 1]! };
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const headers = { [NEXT_HEADER]: nextHeaderValue(page.next) };
      return Promise.resolve(new Response(JSON.stringify(page), { headers }));
    };
    const parse = async (res: Response): Promise<SurfacePage> => {
      const page = JSON.parse(await res.text()) as SurfacePage;
      inFlight--;
      return page;
    };
    const got: string[] = [];
    for await (const p of responsePages(SURFACE_PAGES, send, parse, { view: 'valid', limit: 2 })) {
      got.push(...p.rows.map((r) => r.key));
      expect(asked.length).toBe(Math.min(got.length / 2 + 1, 3));
    }
    expect(got).toEqual(keys);
    expect(asked).toEqual([
      { view: 'valid', limit: 2 },
      { view: 'valid', limit: 2, after: 'null' },
      { view: 'valid', limit: 2, after: 'line\nbreak' },
    ]);
    expect(maxInFlight).toBe(2);
    asked.length = 0;
    got.length = 0;
    for await (const p of responsePages(SURFACE_PAGES, send, parse, { limit: 2 }, 3))
      got.push(...p.rows.map((r) => r.key));
    expect(got).toEqual(keys.slice(0, 3));
    expect(asked).toEqual([{ limit: 2 }, { limit: 1, after: 'null' }]);
  });
});
