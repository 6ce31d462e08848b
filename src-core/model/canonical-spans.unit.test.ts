/**
 * Canonical data found while reading (canonical-spans.ts, json-text.ts `capture`): every span the
 * reader records is the canonical JSON of the value at that place, whatever the text looks like
 * (key order, whitespace, escapes, number spellings); data written canonically without escapes
 * is always found; the rest of the text, and everything the reader refuses, is read as before.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonWithinLimits, safeNumber } from '../../test/json-values';
import { canonicalJson } from './canonical';
import { CanonicalSpans, isCanonicalNumber } from './canonical-spans';
import { parseJsonText, parseJsonTextReportingDepth } from './json-text';

const PATH = ['txns', null, 'events', null, 'data'];

/** Reads a batch body with capture on; returns every recorded span checked against the parsed value. */
function read(text: string): { spans: CanonicalSpans; value: { txns: { events: { data: unknown }[] }[] } } {
  const spans = new CanonicalSpans(PATH);
  const value = parseJsonTextReportingDepth(text, { envelope: 5, capture: spans }).value as {
    txns: { events: { data: unknown }[] }[];
  };
  for (let t = 0; t < value.txns.length; t++) {
    for (let e = 0; e < value.txns[t]!.events.length; e++) {
      const found = spans.at(t, e);
      if (found === undefined) continue;
      expect(found).toBe(canonicalJson(value.txns[t]!.events[e]!.data));
    }
  }
  return { spans, value };
}

const body = (datas: string[][]): string =>
  `{"txns":[${datas.map((es) => `{"topic":"t","events":[${es.map((d) => `{"key":"k","data":${d}}`).join(',')}]}`).join(',')}]}`;

describe('canonical spans', () => {
  it('finds canonical data and only it', () => {
    const { spans } = read(
      body([
        ['{"a":1,"b":[true,null,"x"]}', '{"b":1,"a":2}', '{"a": 1}', '1.0', '-0', '1e2', '"a\\"b"'],
        ['0.5', '-12', '{}', '[]', '"é😀"', '{"":1,"a":{"c":[],"d":{}}}', '{"a":1 }', '[1 ,2]'],
      ]),
    );
    const got = [0, 1].map((t) => Array.from({ length: 8 }, (_, e) => spans.at(t, e) !== undefined));
    expect(got).toEqual([
      [true, false, false, false, false, false, false, false],
      [true, true, true, true, true, true, false, false],
    ]);
    expect(spans.at(0, 0)).toBe('{"a":1,"b":[true,null,"x"]}');
    expect(spans.at(5, 0)).toBeUndefined();
  });

  it('captures only at the path: other members, escaped names and other shapes are not captured', () => {
    const spans = new CanonicalSpans(PATH);
    parseJsonText('{"other":[{"events":[{"data":1}]}],"txns":[{"events":[{"d\\u0061ta":2,"x":{"data":3}}]}]}', {
      capture: spans,
    });
    expect(spans.count).toBe(0);
    parseJsonText('{"txns":{"0":{"events":[{"data":1}]}}}', { capture: spans });
    expect(spans.count).toBe(0);
  });

  it('records a span only when it is the canonical text of the parsed value (property)', () => {
    const spacing = fc.constantFrom(undefined, 1, '\t');
    fc.assert(
      fc.property(
        fc.array(fc.array(jsonWithinLimits(), { minLength: 1, maxLength: 3 }), { maxLength: 4 }),
        spacing,
        (txns, sp) => {
          const text = JSON.stringify(
            { txns: txns.map((events) => ({ topic: 't', events: events.map((data) => ({ key: 'k', data })) })) },
            null,
            sp,
          );
          read(text);
          // Written canonically, data without escapes is always found.
          const canon = body(txns.map((es) => es.map((d) => canonicalJson(d))));
          const again = read(canon).spans;
          txns.forEach((es, t) =>
            es.forEach((d, e) => {
              if (!canonicalJson(d).includes('\\')) expect(again.at(t, e)).toBe(canonicalJson(d));
            }),
          );
        },
      ),
    );
  });

  it('judges number spellings as JSON.stringify writes them', () => {
    fc.assert(
      fc.property(safeNumber, (x) => {
        const t = JSON.stringify(x);
        expect(isCanonicalNumber(t, 0, t.length)).toBe(true);
      }),
    );
    for (const t of ['-0', '1.0', '1e2', '1E2', '0.10', '1e-7', '100000000000000000000']) {
      expect(isCanonicalNumber(t, 0, t.length)).toBe(String(Number(t)) === t);
    }
  });

  it('finds nothing in a value nested too deeply, and reports the depth as before', () => {
    const deep = '['.repeat(200) + ']'.repeat(200);
    const spans = new CanonicalSpans(PATH);
    const r = parseJsonTextReportingDepth(body([[deep], ['1']]), { envelope: 5, capture: spans });
    expect(r.tooDeep?.path.slice(0, 5)).toEqual(['txns', 0, 'events', 0, 'data']);
    expect(spans.at(0, 0)).toBeUndefined();
    expect(spans.at(1, 0)).toBe('1');
  });
});

/** A batch body read as the server reads it: recorded data left out, then put back transaction by transaction. */
function readEliding(text: string): unknown {
  const spans = new CanonicalSpans(PATH, { elide: true });
  const value = parseJsonTextReportingDepth(text, { envelope: 5, capture: spans }).value as {
    txns?: unknown;
  };
  if (spans.count > 0 && Array.isArray(value.txns)) {
    const txns: unknown[] = value.txns;
    txns.forEach((t, i) => {
      const events = (t as { events?: unknown }).events;
      // Each recorded place holds the placeholder until it is put back.
      if (Array.isArray(events)) {
        events.forEach((e, j) => {
          if (spans.at(i, j) !== undefined) expect((e as { data: unknown }).data).toBe(0);
        });
      }
      spans.restore(t, i);
    });
  }
  return value;
}

/** The same text read both ways: the same value, or the same refusal. */
function sameAsPlain(text: string): void {
  let plain: unknown;
  let plainError: unknown = null;
  try {
    plain = parseJsonTextReportingDepth(text, { envelope: 5 });
  } catch (e) {
    plainError = e;
  }
  if (plainError !== null) {
    expect(() => readEliding(text)).toThrow((plainError as Error).message);
    return;
  }
  expect(readEliding(text)).toEqual((plain as { value: unknown }).value);
}

describe('canonical spans left out of the parsed value (elide)', () => {
  it('parses to the same value once put back, however the body is written (property)', () => {
    const spacing = fc.constantFrom(undefined, 1, '\t');
    fc.assert(
      fc.property(
        fc.array(fc.array(jsonWithinLimits(), { minLength: 1, maxLength: 3 }), { maxLength: 4 }),
        spacing,
        fc.boolean(),
        (txns, sp, canonical) => {
          const text = canonical
            ? body(txns.map((es) => es.map((d) => canonicalJson(d))))
            : JSON.stringify(
                { txns: txns.map((events) => ({ topic: 't', events: events.map((data) => ({ key: 'k', data })) })) },
                null,
                sp,
              );
          sameAsPlain(text);
        },
      ),
    );
  });

  it('refuses exactly what the plain read refuses, with the same message (property)', () => {
    const inserted = fc.constantFrom(
      '\u0001',
      '\t',
      '\n',
      '\u001f',
      '"',
      '\\',
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '0',
      '-',
      'x',
      ' ',
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(jsonWithinLimits({ maxDepth: 2 }), { minLength: 1, maxLength: 3 }), {
          minLength: 1,
          maxLength: 3,
        }),
        inserted,
        fc.nat(),
        (txns, c, at) => {
          const text = body(txns.map((es) => es.map((d) => canonicalJson(d))));
          const k = at % (text.length + 1);
          sameAsPlain(text.slice(0, k) + c + text.slice(k));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('records no value with a raw control character in a string, which the grammar refuses', () => {
    for (const c of ['\u0000', '\u0001', '\t', '\n', '\u001f']) {
      const text = body([['{"a":1}', `{"a":"x${c}y"}`]]);
      const spans = new CanonicalSpans(PATH, { elide: true });
      expect(() => parseJsonTextReportingDepth(text, { envelope: 5, capture: spans })).toThrow(/^body: malformed JSON/);
      expect(spans.at(0, 0)).toBe('{"a":1}');
      expect(spans.at(0, 1)).toBeUndefined();
      sameAsPlain(text);
    }
  });

  it('puts back tombstones, scalars and containers; leaves other shapes alone', () => {
    sameAsPlain(body([['null', '0', '""', '[]', '{}'], ['{"a":[{"b":null}]}']]));
    const spans = new CanonicalSpans(PATH, { elide: true });
    const v = parseJsonText(body([['{"a":1}']]), { envelope: 5, capture: spans }) as { txns: unknown[] };
    expect(v).toEqual({ txns: [{ topic: 't', events: [{ key: 'k', data: 0 }] }] });
    spans.restore('not a transaction', 0);
    spans.restore({ events: 'not a list' }, 0);
    spans.restore(v.txns[0], 0);
    expect(v).toEqual({ txns: [{ topic: 't', events: [{ key: 'k', data: { a: 1 } }] }] });
  });
});
