/**
 * Hostile request bodies for the security tests, described by small values (so fast-check prints
 * and shrinks a description, not megabytes) and rendered to exact bytes in the shape of one write
 * route: `append` (`{"events":[...]}`), `batch` (`{"txns":[{"topic",...}]}`) or `invalidate`
 * (`{"reason":...}`). Kinds: nesting far beyond any sensible depth limit, wide objects, invalid
 * UTF-8 bytes, lone surrogates (as `\uD800` escapes and as raw CESU bytes), NUL, integers beyond
 * ±2^53, duplicate member names and oversized keys. `render` also says whether shared/API.md and
 * issue 9 require the write to be refused (400), e.g. a lone surrogate in a key must be refused
 * while one in `data` is only required to round-trip identically on every backend.
 */
import fc from 'fast-check';

export type Shape = 'append' | 'batch' | 'invalidate';
/** Where a hostile string goes. In `append` a topic lives in the path, so `topic` lands in the key. */
export type Field = 'topic' | 'key' | 'contentType' | 'reason' | 'data';

export type Hostile =
  | { kind: 'deep'; depth: number; container: 'array' | 'object'; where: 'data' | 'member' }
  | { kind: 'wide'; members: number }
  | { kind: 'badUtf8'; where: Field; hex: string }
  | { kind: 'surrogate'; where: Field; form: 'escape' | 'raw'; unit: 'high' | 'low' }
  | { kind: 'nul'; where: Field }
  | { kind: 'bigint'; where: 'data' | 'nested' | 'expectMaxSeq'; digits: string }
  | { kind: 'dup'; where: 'body' | 'event' | 'data' }
  | { kind: 'hugeKey'; length: number };

/** Depths at and beyond which every write must be refused (API.md: a documented cap, 64-256 typical). */
export const SURELY_TOO_DEEP = 1000;

/** Invalid UTF-8: a stray byte, a cut sequence, a CESU surrogate, beyond U+10FFFF, an overlong form. */
const BAD_UTF8 = ['ff', 'fe', 'c328', 'e282', 'eda080', 'f4908080', 'c0af', '80'];
const BIG_INTS = ['9007199254740993', '-9007199254740993', '18446744073709551616', '123456789012345678901234567890'];
export const FIELDS: Field[] = ['topic', 'key', 'contentType', 'reason', 'data'];

export const hostileArb: fc.Arbitrary<Hostile> = fc.oneof(
  fc.record({
    kind: fc.constant('deep' as const),
    depth: fc.constantFrom(100_000, 1000, 10_000, 300, 100),
    container: fc.constantFrom('array' as const, 'object' as const),
    where: fc.constantFrom('data' as const, 'member' as const),
  }),
  fc.record({ kind: fc.constant('wide' as const), members: fc.constantFrom(1000, 20_000, 60_000) }),
  fc.record({
    kind: fc.constant('badUtf8' as const),
    where: fc.constantFrom(...FIELDS),
    hex: fc.constantFrom(...BAD_UTF8),
  }),
  fc.record({
    kind: fc.constant('surrogate' as const),
    where: fc.constantFrom(...FIELDS),
    form: fc.constantFrom('escape' as const, 'raw' as const),
    unit: fc.constantFrom('high' as const, 'low' as const),
  }),
  fc.record({ kind: fc.constant('nul' as const), where: fc.constantFrom(...FIELDS) }),
  fc.record({
    kind: fc.constant('bigint' as const),
    where: fc.constantFrom('data' as const, 'nested' as const, 'expectMaxSeq' as const),
    digits: fc.constantFrom(...BIG_INTS),
  }),
  fc.record({
    kind: fc.constant('dup' as const),
    where: fc.constantFrom('body' as const, 'event' as const, 'data' as const),
  }),
  fc.record({ kind: fc.constant('hugeKey' as const), length: fc.constantFrom(1025, 5000, 200_000) }),
);

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

function nested(depth: number, container: 'array' | 'object'): Buffer {
  if (container === 'array') return b('['.repeat(depth) + '1' + ']'.repeat(depth));
  return b('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
}

/** The JSON text of a string `k<hostile>z`, with the hostile part as raw bytes. */
function str(middle: Buffer): Buffer {
  return Buffer.concat([b('"k'), middle, b('z"')]);
}

interface Parts {
  topic: Buffer;
  key: Buffer;
  data: Buffer;
  contentType: Buffer | null;
  reason: Buffer;
  /** Extra members of the event object, of the body, and `expectMaxSeq`. */
  eventExtra: Buffer | null;
  bodyExtra: Buffer | null;
  expectMaxSeq: Buffer | null;
}

function plainParts(topic: string): Parts {
  return {
    topic: b(JSON.stringify(topic)),
    key: b('"hk"'),
    data: b('{"v":1}'),
    contentType: null,
    reason: b('"hostile"'),
    eventExtra: null,
    bodyExtra: null,
    expectMaxSeq: null,
  };
}

function assemble(shape: Shape, p: Parts): Buffer {
  if (shape === 'invalidate') {
    return Buffer.concat([
      b('{"reason":'),
      p.reason,
      p.bodyExtra ? Buffer.concat([b(','), p.bodyExtra]) : b(''),
      b('}'),
    ]);
  }
  const event = Buffer.concat([
    b('{"key":'),
    p.key,
    b(',"data":'),
    p.data,
    p.contentType ? Buffer.concat([b(',"contentType":'), p.contentType]) : b(''),
    p.eventExtra ? Buffer.concat([b(','), p.eventExtra]) : b(''),
    b('}'),
  ]);
  const tail = Buffer.concat([
    p.expectMaxSeq ? Buffer.concat([b(',"expectMaxSeq":'), p.expectMaxSeq]) : b(''),
    p.bodyExtra ? Buffer.concat([b(','), p.bodyExtra]) : b(''),
  ]);
  if (shape === 'append') return Buffer.concat([b('{"events":['), event, b(']'), tail, b('}')]);
  return Buffer.concat([b('{"txns":[{"topic":'), p.topic, b(',"events":['), event, b(']'), tail, b('}]}')]);
}

/** Which string field a hostile string really lands in for a shape. */
function landing(shape: Shape, where: Field): Field {
  if (shape === 'invalidate') return 'reason';
  if (where === 'reason') return 'key';
  if (where === 'topic' && shape === 'append') return 'key';
  return where;
}

function put(p: Parts, field: Field, value: Buffer): void {
  p[field] = value;
}

export interface Rendered {
  body: Buffer;
  /** API.md / issue 9 require a write route to refuse this body (no 2xx; in a batch, an error). */
  mustRefuse: boolean;
}

/** Renders `h` in the body shape of `shape`; `topic` is the batch transaction's topic. */
export function render(h: Hostile, shape: Shape, topic = 't1'): Rendered {
  const p = plainParts(topic);
  let mustRefuse: boolean;
  switch (h.kind) {
    case 'deep': {
      const deep = nested(h.depth, h.container);
      if (h.where === 'member') {
        // Inside a member the routes do not read: only the parser can see it, so no 400 is required.
        p.bodyExtra = Buffer.concat([b('"zz":'), deep]);
        mustRefuse = false;
      } else {
        if (shape === 'invalidate') p.reason = deep;
        else p.data = deep;
        mustRefuse = h.depth >= SURELY_TOO_DEEP;
      }
      break;
    }
    case 'wide': {
      const members = Array.from({ length: h.members }, (_, i) => `"m${i}":${i}`).join(',');
      if (shape === 'invalidate') p.bodyExtra = b(`"zz":{${members}}`);
      else p.data = b(`{${members}}`);
      mustRefuse = false;
      break;
    }
    case 'badUtf8': {
      put(p, landing(shape, h.where), str(Buffer.from(h.hex, 'hex')));
      mustRefuse = true; // invalid UTF-8 anywhere in a body is a 400
      break;
    }
    case 'surrogate': {
      const field = landing(shape, h.where);
      const middle =
        h.form === 'raw'
          ? Buffer.from(h.unit === 'high' ? 'eda080' : 'edb080', 'hex')
          : b(h.unit === 'high' ? '\\ud800' : '\\udc00');
      put(p, field, str(middle));
      mustRefuse = h.form === 'raw' || field !== 'data';
      break;
    }
    case 'nul': {
      const field = landing(shape, h.where);
      put(p, field, str(b('\\u0000')));
      mustRefuse = field !== 'data';
      break;
    }
    case 'bigint': {
      if (shape === 'invalidate') p.reason = b(h.digits);
      else if (h.where === 'data') p.data = b(h.digits);
      else if (h.where === 'nested') p.data = b(`{"id":${h.digits},"list":[1,${h.digits}]}`);
      else p.expectMaxSeq = b(h.digits);
      mustRefuse = true;
      break;
    }
    case 'dup': {
      if (shape === 'invalidate') p.bodyExtra = b('"reason":"again"');
      else if (h.where === 'body') p.bodyExtra = shape === 'batch' ? b('"topic":"t2"') : b('"events":[]');
      else if (h.where === 'event') p.eventExtra = b('"key":"other"');
      else p.data = b('{"a":1,"b":2,"a":3}');
      mustRefuse = true;
      break;
    }
    case 'hugeKey': {
      const long = b(JSON.stringify('k'.repeat(h.length)));
      if (shape === 'invalidate') p.reason = long;
      else p.key = long;
      mustRefuse = true;
      break;
    }
  }
  return { body: assemble(shape, p), mustRefuse };
}
