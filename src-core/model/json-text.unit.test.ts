/**
 * The strict JSON text reader: every rule with its message and path, the boundaries of each limit,
 * inputs nested 10,000 and 1,000,000 deep (a 400, never a RangeError), agreement with JSON.parse
 * on everything within the rules (random values, and random JSON syntax trees with duplicate names,
 * unsafe numbers and deep nesting planted, whose expected verdict is computed from the tree), the
 * depth-reporting mode a batch uses; also the path formatting (json-path.ts) and the deep-safe
 * stringifier for stored data (json-write.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonWithinLimits } from '../../test/json-values';
import { formatJsonPath } from './json-path';
import { checkJsonText, parseJsonText, parseJsonTextReportingDepth } from './json-text';
import { stringifyJson, writeDeep } from './json-write';
import { LIMITS } from './limits';

const MAX = LIMITS.jsonDepthMax;

/** The message of the BAD_REQUEST `f` throws (fails the test when it throws anything else). */
function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toMatchObject({ code: 'BAD_REQUEST' });
    return (e as Error).message;
  }
  throw new Error('expected a BAD_REQUEST, nothing was thrown');
}

const nestedArrays = (n: number, inner = '1'): string => '['.repeat(n) + inner + ']'.repeat(n);
const nestedObjects = (n: number): string => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

describe('nesting depth', () => {
  it('accepts exactly the limit and refuses one more, naming the path of the deepest container', () => {
    expect(parseJsonText(nestedArrays(MAX))).toEqual(JSON.parse(nestedArrays(MAX)));
    expect(refusal(() => parseJsonText(nestedArrays(MAX + 1)))).toMatch(
      new RegExp(`^body\\[0\\](\\[0\\])*…(\\[0\\]){4}: nesting deeper than ${MAX} levels$`),
    );
    expect(parseJsonText(nestedObjects(MAX))).toEqual(JSON.parse(nestedObjects(MAX)));
    expect(refusal(() => parseJsonText(nestedObjects(MAX + 1)))).toMatch(/^a\.a\.a.*…\.a\.a\.a\.a: nesting deeper/);
  });

  it('scalars are no level; empty containers are one', () => {
    expect(() => parseJsonText(nestedArrays(MAX, '"x"'))).not.toThrow();
    expect(() => parseJsonText(nestedArrays(MAX, '[]'))).toThrow(/nesting deeper/);
    expect(() => parseJsonText(nestedArrays(MAX, '{}'))).toThrow(/nesting deeper/);
  });

  it('the envelope levels do not count, and the path names the field', () => {
    const body = (d: number): string => `{"events":[{"key":"k","data":${nestedObjects(d)}}]}`;
    expect(() => parseJsonText(body(MAX), { envelope: 3 })).not.toThrow();
    expect(refusal(() => parseJsonText(body(MAX + 1), { envelope: 3 }))).toMatch(
      new RegExp(`^events\\[0\\]\\.data\\.a\\.a.*: nesting deeper than ${MAX} levels$`),
    );
    // Without the envelope the same body is refused three levels earlier.
    expect(() => parseJsonText(body(MAX - 2))).toThrow(/nesting deeper/);
  });

  it('a smaller limit can be asked for', () => {
    expect(refusal(() => parseJsonText('{"a":{"b":[1,{"c":2}]}}', { maxDepth: 3 }))).toBe(
      'a.b[1]: nesting deeper than 3 levels',
    );
  });

  it.each([10_000, 1_000_000])('%i levels deep is a 400, never a RangeError', (n) => {
    for (const text of [nestedArrays(n), nestedObjects(n), '{"x":' + nestedArrays(n) + '}']) {
      expect(refusal(() => parseJsonText(text))).toMatch(/nesting deeper than 128 levels/);
      const { tooDeep } = parseJsonTextReportingDepth(text);
      expect(tooDeep?.message).toMatch(/nesting deeper than 128 levels/);
    }
  });

  it('reporting mode: returns where it first went too deep and keeps checking the rest', () => {
    const text = `{"txns":[{"a":1},{"data":${nestedArrays(10_000)}},{"b":${nestedArrays(MAX + 5)}}]}`;
    const { value, tooDeep } = parseJsonTextReportingDepth(text, { envelope: 3 });
    expect(tooDeep?.path.slice(0, 3)).toEqual(['txns', 1, 'data']);
    expect(tooDeep?.path).toHaveLength(3 + MAX);
    expect(tooDeep?.message).toMatch(/^txns\[1\]\.data\[0\].*: nesting deeper than 128 levels$/);
    expect((value as { txns: unknown[] }).txns).toHaveLength(3);
    // Problems other than depth after the too-deep value still refuse the text.
    expect(() => parseJsonTextReportingDepth(`[${nestedArrays(500)}, {"a":1,"a":2}]`)).toThrow(/duplicate/);
    expect(() => parseJsonTextReportingDepth(`[${nestedArrays(500)}, 1e400]`)).toThrow(/beyond/);
    expect(() => parseJsonTextReportingDepth(`[${nestedArrays(500)}, ]`)).toThrow(/malformed JSON/);
    expect(() => parseJsonTextReportingDepth(nestedArrays(500).slice(0, -1))).toThrow(/malformed JSON/);
    expect(parseJsonTextReportingDepth('{"a":[1]}').tooDeep).toBeNull();
  });
});

describe('duplicate member names', () => {
  it.each([
    ['{"a":1,"a":2}', 'body: duplicate member name "a"'],
    ['{"a":1,"b":{"x":1,"y":2,"x":3}}', 'b: duplicate member name "x"'],
    ['{"txns":[{},{"events":[{"data":{"q":1,"q":1}}]}]}', 'txns[1].events[0].data: duplicate member name "q"'],
    ['[1,{"a":1,"\\u0061":2}]', 'body[1]: duplicate member name "a"'],
    ['{"__proto__":1,"__proto__":2}', 'body: duplicate member name "__proto__"'],
    ['{"":1,"":2}', 'body: duplicate member name ""'],
    ['{"odd key":{"é":1,"\\u00e9":2}}', 'body["odd key"]: duplicate member name "é"'],
  ])('%s', (text, message) => {
    expect(refusal(() => parseJsonText(text))).toBe(message);
  });

  it('wide objects (past the pairwise check) still find duplicates, escaped or not', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`);
    expect(() => parseJsonText(`{${keys.join(',')}}`)).not.toThrow();
    expect(refusal(() => parseJsonText(`{${keys.join(',')},"k7":0}`))).toBe('body: duplicate member name "k7"');
    expect(refusal(() => parseJsonText(`{${keys.join(',')},"\\u006b7":0}`))).toBe('body: duplicate member name "k7"');
  });

  it('the same name in sibling or nested objects is fine', () => {
    expect(parseJsonText('{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}')).toEqual({
      a: { a: { a: 1 } },
      b: [{ a: 1 }, { a: 2 }],
    });
  });
});

describe('numbers', () => {
  it.each([
    '9007199254740991',
    '-9007199254740991',
    '0',
    '-0',
    '1e15',
    '123456789012345',
    '0.1',
    '9007199254740990.5',
    '-1.5e-300',
    '0e-400',
    '0.000000',
    '5e-324',
    '1E+2',
  ])('%s is carried', (lit) => {
    expect(parseJsonText(`[${lit}]`)).toEqual([JSON.parse(lit) as number]);
  });

  it.each([
    ['9007199254740992', 'integer 9007199254740992 cannot be carried exactly; send it as a string'],
    ['9007199254740993', 'integer 9007199254740993 cannot be carried exactly; send it as a string'],
    ['-9007199254740993', 'integer -9007199254740993 cannot be carried exactly; send it as a string'],
    ['123456789012345678901234567890', 'integer 123456789012345678901234567890 cannot be carried exactly'],
    ['9007199254740993.0', 'number 9007199254740993.0 is beyond ±9007199254740991 (2^53 - 1)'],
    ['9007199254740991.9', 'number 9007199254740991.9 is beyond ±9007199254740991'],
    ['1e16', 'number 1e16 is beyond'],
    ['-6.02e23', 'number -6.02e23 is beyond'],
    ['1e400', 'number 1e400 is beyond'],
    ['1e-400', 'number 1e-400 is too small to be carried (it would become 0); send it as a string'],
    ['0.' + '0'.repeat(400) + '1', `number 0.${'0'.repeat(37)}… is too small to be carried`],
  ])('%s is refused', (lit, message) => {
    expect(refusal(() => parseJsonText(`{"id":{"n":[0,${lit}]}}`))).toContain(`id.n[1]: ${message}`);
  });

  it('a long literal is shortened in the message', () => {
    const msg = refusal(() => parseJsonText('9'.repeat(5000)));
    expect(msg.length).toBeLessThan(200);
    expect(msg).toMatch(/^body: integer 9{39}… cannot be carried exactly/);
  });
});

describe('grammar', () => {
  it.each([
    '',
    '   ',
    '{',
    '{"a" 1}',
    '{"a":1,}',
    '[1,]',
    '[01]',
    '"\\x"',
    '"a\u0001"',
    'tru',
    '{"a":1}x',
    '\ufeff{}',
    '{a:1}',
    "{'a':1}",
    'NaN',
    '[.5]',
    '[1.]',
    '[1e]',
    '[-]',
    '"\\u12"',
  ])('%j is malformed, with JSON.parse’s own message', (text) => {
    let native = '';
    try {
      JSON.parse(text);
    } catch (e) {
      native = (e as Error).message;
    }
    expect(native).not.toBe('');
    expect(refusal(() => parseJsonText(text, { at: 'record 3 (line 4)' }))).toBe(
      `record 3 (line 4): malformed JSON (${native})`,
    );
  });

  it('any text: the same verdict as JSON.parse where no rule applies, and only BAD_REQUEST errors', () => {
    const unit = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\',
      'a',
      '1',
      '-',
      '.',
      'e',
      ' ',
      '0',
      'u',
      'true',
      'null',
      '9',
      '\n',
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 30 }), (text) => {
        let native: { value: unknown } | null = null;
        try {
          native = { value: JSON.parse(text) as unknown };
        } catch {
          native = null;
        }
        let ours: { value: unknown } | null = null;
        try {
          ours = { value: parseJsonText(text) };
        } catch (e) {
          expect(e).toMatchObject({ code: 'BAD_REQUEST' });
        }
        if (native === null) expect(ours).toBeNull();
        if (ours !== null) expect(ours.value).toEqual(native?.value);
      }),
      { numRuns: 3000 },
    );
  });
});

/** A JSON syntax tree whose text is written by the test, with the verdict known in advance. */
type Node =
  | { t: 'num'; lit: string; bad: boolean }
  | { t: 'str'; v: string }
  | { t: 'arr'; items: Node[] }
  | { t: 'obj'; members: { name: string; escaped: boolean; value: Node }[] };

const goodNumbers = ['0', '-0', '12', '9007199254740991', '-9007199254740991', '0.5', '1e15', '0e-999', '2.5E-3'];
const badNumbers = ['9007199254740992', '-9007199254740993', '1e16', '9007199254740993.0', '1e400', '1e-400'];

const tree: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'medium', maxDepth: 6 },
    fc.oneof(
      fc.constantFrom(...goodNumbers).map((lit): Node => ({ t: 'num', lit, bad: false })),
      fc.constantFrom(...badNumbers).map((lit): Node => ({ t: 'num', lit, bad: true })),
    ),
    fc.string({ maxLength: 3 }).map((v): Node => ({ t: 'str', v })),
    fc.array(tie('node'), { maxLength: 4 }).map((items): Node => ({ t: 'arr', items })),
    fc
      .array(fc.record({ name: fc.constantFrom('a', 'b', 'é', ''), escaped: fc.boolean(), value: tie('node') }), {
        maxLength: 4,
      })
      .map((members): Node => ({ t: 'obj', members })),
  ),
})).node;

function write(n: Node, ws: string): string {
  switch (n.t) {
    case 'num':
      return n.lit;
    case 'str':
      return JSON.stringify(n.v);
    case 'arr':
      return `[${ws}${n.items.map((x) => write(x, ws)).join(`,${ws}`)}]`;
    case 'obj': {
      const name = (m: { name: string; escaped: boolean }): string =>
        m.escaped
          ? `"${[...m.name].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`
          : JSON.stringify(m.name);
      return `{${ws}${n.members.map((m) => `${name(m)}${ws}:${ws}${write(m.value, ws)}`).join(`,${ws}`)}}`;
    }
  }
}

/** Whether the tree breaks a rule: a bad number, a repeated name, more than `max` levels. */
function breaks(n: Node, max: number, level = 0): boolean {
  switch (n.t) {
    case 'num':
      return n.bad;
    case 'str':
      return false;
    case 'arr':
      return level + 1 > max || n.items.some((x) => breaks(x, max, level + 1));
    case 'obj':
      return (
        level + 1 > max ||
        new Set(n.members.map((m) => m.name)).size < n.members.length ||
        n.members.some((m) => breaks(m.value, max, level + 1))
      );
  }
}

describe('agreement with JSON.parse', () => {
  it('for any JSON value within the limits, strict parse equals JSON.parse', () => {
    fc.assert(
      fc.property(jsonWithinLimits({ maxDepth: 6 }), fc.constantFrom(undefined, 0, 1, '\t', ' \r\n'), (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        expect(parseJsonText(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('random syntax trees: refused exactly when a rule is broken, else equal to JSON.parse', () => {
    fc.assert(
      fc.property(tree, fc.constantFrom('', ' ', '\n\t'), fc.integer({ min: 1, max: 5 }), (node, ws, max) => {
        const text = write(node, ws);
        if (breaks(node, max))
          expect(() => parseJsonText(text, { maxDepth: max })).toThrow(/^.+: (nesting|duplicate|integer|number)/);
        else expect(parseJsonText(text, { maxDepth: max })).toEqual(JSON.parse(text));
        // Checking alone gives the same verdict.
        if (breaks(node, max)) expect(() => checkJsonText(text, { maxDepth: max })).toThrow();
        else expect(checkJsonText(text, { maxDepth: max })).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatJsonPath', () => {
  it('writes members, indexes, odd names quoted, long paths shortened', () => {
    expect(formatJsonPath('', ['events', 3, 'data', 'a'])).toBe('events[3].data.a');
    expect(formatJsonPath('data', ['a b', 0, '$ok', ''])).toBe('data["a b"][0].$ok[""]');
    expect(formatJsonPath('record 2 (line 3): ', ['x', 'y'])).toBe('record 2 (line 3): x.y');
    expect(formatJsonPath('', ['n'.repeat(100)])).toBe(`${'n'.repeat(63)}…`);
    const long = formatJsonPath(
      '',
      Array.from({ length: 30 }, (_, i) => i),
    );
    expect(long).toBe('[0][1][2][3][4][5][6][7][8][9]…[26][27][28][29]');
  });
});

describe('stringifyJson', () => {
  it('equals JSON.stringify on ordinary values, toJSON and omitted members included', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(stringifyJson(v)).toBe(JSON.stringify(v));
        expect(writeDeep(v, false)).toBe(JSON.stringify(v));
      }),
      { numRuns: 500 },
    );
    const odd = { d: new Date(0), u: undefined, f: () => 1, a: [undefined, () => 1, NaN, -0, Infinity], n: null };
    expect(writeDeep(odd, false)).toBe(JSON.stringify(odd));
  });

  it('writes values far deeper than JSON.stringify can (stored before the limit existed)', () => {
    for (const text of [nestedArrays(100_000), nestedObjects(100_000)]) {
      const v: unknown = JSON.parse(text);
      expect(() => JSON.stringify(v)).toThrow(RangeError);
      expect(stringifyJson(v)).toBe(text);
      expect(stringifyJson({ event: { data: v } })).toBe(`{"event":{"data":${text}}}`);
    }
  });

  it('sorted, it is canonical JSON', () => {
    expect(writeDeep({ b: 1, a: [{ d: 2, c: 1 }] }, true)).toBe('{"a":[{"c":1,"d":2}],"b":1}');
  });
});
