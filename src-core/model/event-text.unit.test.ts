/**
 * The event text parser shared by the CLI and the app's New transaction editor: every form (NDJSON,
 * a JSON array, one object over several lines), every problem reported with where it is in the
 * model validator's words, and the split of a large import into transactions.
 */
import { describe, expect, it } from 'vitest';
import { parseEventLine, parseEventsText, splitIntoTxns } from './event-text';
import { LIMITS } from './limits';

describe('parseEventsText', () => {
  it('reads NDJSON, skipping blank lines but counting them', () => {
    const r = parseEventsText('{"key":"a","data":1}\n\n{"key":"b","data":null}\r\n');
    expect(r).toEqual({
      form: 'ndjson',
      events: [
        { key: 'a', data: 1 },
        { key: 'b', data: null },
      ],
      problems: [],
      moreProblems: false,
    });
  });

  it('reports every bad line by its number, in the words of the CLI', () => {
    const text = '{"key":"a","data":1}\n{"key":"","data":1}\n{"key":"c"}\n{"key":"d","data":1,"x":2}\nnope';
    const r = parseEventsText(text);
    expect(r.events).toEqual([{ key: 'a', data: 1 }]);
    expect(r.problems.map((p) => p.line)).toEqual([2, 3, 4, 5]);
    expect(r.problems[1]!.message).toBe('line 3: data: is required (use null for a tombstone)');
    expect(r.problems[2]!.message).toBe('line 4: "x": unknown field (allowed: key, data, hash, contentType)');
    // The same message as the CLI's line parser.
    expect(() => parseEventLine('{"key":"","data":1}', 2)).toThrow(r.problems[0]!.message);
  });

  it('reads a JSON array of events, naming bad elements by index', () => {
    expect(parseEventsText('[{"key":"a","data":{"x":[1]}}, {"key":"b","data":2}]').events).toEqual([
      { key: 'a', data: { x: [1] } },
      { key: 'b', data: 2 },
    ]);
    const bad = parseEventsText('[{"key":"a","data":1}, {"data":2}]');
    expect(bad.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^events\[1\]: key: /)]);
    expect(parseEventsText('[]').problems[0]!.message).toMatch(/holds no events/);
    expect(parseEventsText('[{"key":"a","data":1,"data":2}]').problems[0]!.message).toMatch(/duplicate member name/);
  });

  it('reads one pretty-printed object as one event', () => {
    const r = parseEventsText('{\n  "key": "a",\n  "data": {"n": 1}\n}\n');
    expect(r).toMatchObject({ form: 'object', events: [{ key: 'a', data: { n: 1 } }], problems: [] });
    expect(parseEventsText('{\n  "key": "a",\n  "data": \n}').problems).toHaveLength(1);
  });

  it('refuses numbers a double cannot carry, like the API', () => {
    const r = parseEventsText('{"key":"a","data":9007199254740993}');
    expect(r.events).toEqual([]);
    expect(r.problems[0]!.message).toMatch(/^line 1: data: /);
  });

  it('keeps at most maxProblems problems and says there are more', () => {
    const r = parseEventsText('x\n'.repeat(30), 20);
    expect(r.problems).toHaveLength(20);
    expect(r.moreProblems).toBe(true);
  });

  it('an empty text is empty, not a problem', () => {
    expect(parseEventsText(' \n ')).toEqual({ form: 'empty', events: [], problems: [], moreProblems: false });
  });
});

describe('splitIntoTxns', () => {
  it('cuts into consecutive transactions of at most the limit, in order', () => {
    const events = Array.from({ length: 2 * LIMITS.eventsPerTxnMax + 1 }, (_, i) => ({ key: `k${i}`, data: i }));
    const txns = splitIntoTxns(events);
    expect(txns.map((t) => t.length)).toEqual([LIMITS.eventsPerTxnMax, LIMITS.eventsPerTxnMax, 1]);
    expect(txns.flat()).toEqual(events);
    expect(splitIntoTxns(events.slice(0, 5), 2).map((t) => t.map((e) => e.key))).toEqual([
      ['k0', 'k1'],
      ['k2', 'k3'],
      ['k4'],
    ]);
    expect(splitIntoTxns([])).toEqual([]);
    expect(() => splitIntoTxns(events, LIMITS.eventsPerTxnMax + 1)).toThrow(/^size: /);
  });
});
