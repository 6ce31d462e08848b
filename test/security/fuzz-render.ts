/**
 * Rendering for the HTTP boundary fuzz test (fuzz-boundary.int.test.ts): `build` turns a request
 * description from fuzz-requests.ts into the exact raw request sent to one server (the route's
 * path with its parameters, spelled as the description says: case flips, percent-encoding,
 * doubled separators, dot segments, trailing characters, absolute form; the headers with the
 * server's port filled in; the body bytes and framing) and says whether API.md requires a write
 * route to refuse the body. `roleOf` is the role the caller really holds.
 */
import type { Role } from '../../src-core/model/types';
import { type Auth, type Fuzz, type Spelling, routeDef } from './fuzz-requests';
import { type Target, TOKENS } from './fuzz-servers';
import { type Shape, render } from './hostile';
import type { RawRequest } from './raw-http';
import type { RouteName } from './route-oracle';

function pctEncode(c: string, lower: boolean): string {
  const hex = [...Buffer.from(c, 'utf8')].map((x) => '%' + x.toString(16).padStart(2, '0'));
  return (lower ? hex.map((h) => h.toLowerCase()) : hex.map((h) => h.toUpperCase())).join('');
}

/** The route's path with its parameters filled in, spelled as `s` says. */
function spellPath(route: RouteName, topic: string, txn: string, s: Spelling): string {
  const segs = routeDef(route)
    .path.split('/')
    .filter((x) => x !== '')
    .map((x) =>
      x === ':topic'
        ? { text: topic, literal: false }
        : x === ':txn'
          ? { text: txn, literal: false }
          : { text: x, literal: true },
    );
  // Characters with their kind; separators are characters too, so they can be percent-encoded.
  const chars: { c: string; literal: boolean; sep: boolean }[] = [];
  for (const seg of segs) {
    chars.push({ c: '/', literal: false, sep: true });
    for (const c of seg.text) chars.push({ c, literal: seg.literal, sep: false });
  }
  const literal = chars.filter((c) => c.literal && /[a-z]/i.test(c.c));
  for (const x of s) {
    const ch = x.m === 'flip' ? literal[x.at % literal.length] : undefined;
    if (ch) ch.c = ch.c === ch.c.toLowerCase() ? ch.c.toUpperCase() : ch.c.toLowerCase();
  }
  const out = chars.map((c) => c.c);
  // The first separator stays a real '/', so the target is still origin-form; a '%' already in a
  // parameter stays as it is, so the parameter keeps its meaning.
  const encodable = chars.map((_, i) => i).filter((i) => i > 0 && chars[i]!.c !== '%');
  const seps = chars.map((c, i) => (c.sep ? i : -1)).filter((i) => i >= 0);
  let trail = '';
  let abs = '';
  for (const x of s) {
    if (x.m === 'pct') {
      for (let k = 0; k < x.run; k++) {
        const i = encodable[(x.at + k) % encodable.length]!;
        if (!out[i]!.startsWith('%')) out[i] = pctEncode(chars[i]!.c, x.lower);
      }
    } else if (x.m === 'double') {
      const i = seps[x.at % seps.length]!;
      out[i] = '/' + out[i]!;
    } else if (x.m === 'dot') {
      const i = seps[x.at % seps.length]!;
      out[i] = x.form + out[i]!;
    } else if (x.m === 'trail') {
      trail += x.text;
    } else if (x.m === 'abs' && abs === '') {
      abs = x.prefix;
    }
  }
  return abs + out.join('') + trail;
}

function shapeOf(route: RouteName): Shape {
  return route === 'batch' ? 'batch' : route === 'invalidate' ? 'invalidate' : 'append';
}

/** The body bytes for a description, and whether API.md requires a write route to refuse it. */
function bodyBytes(f: Fuzz): { body: Buffer | null; mustRefuse: boolean } {
  const b = f.body;
  switch (b.kind) {
    case 'none':
      return { body: null, mustRefuse: false };
    case 'empty':
      return { body: Buffer.alloc(0), mustRefuse: false };
    case 'text':
      return { body: Buffer.from(b.text), mustRefuse: false };
    case 'hostile': {
      const r = render(b.hostile, shapeOf(f.route));
      return { body: r.body, mustRefuse: r.mustRefuse };
    }
    case 'valid': {
      const events = b.keys.map((k) => ({ key: `k${k}`, data: b.data }));
      const expect = b.expectMaxSeq === null ? {} : { expectMaxSeq: b.expectMaxSeq };
      let value: unknown;
      if (f.route === 'batch') value = { txns: [{ topic: 't2', events, ...expect }] };
      else if (f.route === 'invalidate') value = { reason: 'fuzz' };
      else if (f.route === 'diff') return { body: Buffer.from('key,v\r\nk1,1\r\nk2,x\r\n'), mustRefuse: false };
      else if (routeDef(f.route).method === 'GET' || f.route === 'sample') return { body: null, mustRefuse: false };
      else value = { events, ...expect };
      return { body: Buffer.from(JSON.stringify(value)), mustRefuse: false };
    }
  }
}

function authHeader(a: Auth): string | null {
  if (a.kind === 'none') return null;
  if (a.kind === 'garbage') return a.value;
  return `${a.scheme}${TOKENS[a.role]}`;
}

/** The role the caller holds (null: none). Scheme case and spacing are per RFC 7235. */
export function roleOf(a: Auth): Role | null {
  return a.kind === 'token' ? a.role : null;
}

export function build(f: Fuzz, t: Target): { req: RawRequest; mustRefuse: boolean } {
  const port = String(t.port);
  const target = spellPath(f.route, f.topic, f.txn, f.spelling).replace('@', port) + f.query;
  const headers: [string, string][] = [];
  if (f.host !== '') headers.push(['Host', f.host.replace('@', port)]);
  const auth = authHeader(f.auth);
  if (auth !== null) headers.push(['Authorization', auth]);
  if (f.origin !== null) headers.push(['Origin', f.origin.replace('@', port)]);
  const { body, mustRefuse } = bodyBytes(f);
  if (f.contentType !== null && body !== null) headers.push(['Content-Type', f.contentType]);
  if (f.bigHeader) headers.push(['X-Fuzz-Padding', 'p'.repeat(70_000)]);
  return {
    req: { method: f.method ?? routeDef(f.route).method, target, headers, body, chunked: f.chunked },
    mustRefuse,
  };
}
