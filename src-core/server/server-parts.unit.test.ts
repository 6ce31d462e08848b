/**
 * Unit tests of the server's pure parts: query-parameter parsing (messages name the parameter;
 * the diff route's query read by its declaration),
 * the role order, token parsing for `tidemark serve` (a bad line is named; more in
 * tokens.unit.test.ts), loopback detection, API-path detection of the static route, CSV quoting of
 * the surface export and the SSE framing, the SSE framing (events and the error event),
 * the stream owner of the per-token cap, and the Retry-After of a 429.
 */
import { describe, expect, it } from 'vitest';
import { isLoopback } from './auth';
import { roleAtLeast } from '../model/access';
import type { StoredEvent } from '../model/types';
import { errorResponse } from './errors';
import { listTxnsOptionsSchema, surfaceOptionsSchema } from '../model/options';
import { checkQuery, intParam, txnParam } from './params';
import { optionsFromQuery } from './query-schema';
import { queryValues } from './query-schema';
import { DIFF_QUERY } from './snapshot-query';
import { csvCell } from '../export/csv';
import { surfaceCsvLine } from '../export/surface';
import { formatSse } from './sse';
import { isApiPath } from './static';
import { parseTokens } from './tokens';
import { TidemarkError } from '../model/errors';
import { retryAfterSeconds } from './errors';
import { sseErrorEvent, streamOwner } from './sse';
import type { FastifyRequest } from 'fastify';

const bad = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return `${(e as { code: string }).code}: ${(e as Error).message}`;
  }
  throw new Error('expected a throw');
};

describe('query parameters', () => {
  it('parses integers strictly and names the parameter', () => {
    expect(intParam({ after: '42' }, 'after')).toBe(42);
    expect(intParam({}, 'after')).toBeUndefined();
    expect(bad(() => intParam({ after: '4.2' }, 'after'))).toBe(
      'BAD_REQUEST: after: must be a non-negative integer, got "4.2"',
    );
    expect(bad(() => intParam({ after: '007' }, 'after'))).toMatch(/after:/);
    expect(bad(() => intParam({ after: '1e3' }, 'after'))).toMatch(/after:/);
    expect(bad(() => intParam({ after: '99999999999999999999' }, 'after'))).toMatch(/after:/);
    expect(bad(() => optionsFromQuery(surfaceOptionsSchema, { limit: '0' }))).toMatch(
      /limit: must be an integer from 1 to 10000/,
    );
    expect(bad(() => optionsFromQuery(surfaceOptionsSchema, { limit: ['1', '2'] }))).toMatch(
      /limit: given more than once/,
    );
  });

  it('checks enums and unknown names', () => {
    expect(optionsFromQuery(listTxnsOptionsSchema, { order: 'desc' })).toEqual({ order: 'desc' });
    expect(bad(() => optionsFromQuery(listTxnsOptionsSchema, { order: 'DESC' }))).toMatch(
      /order: must be "asc" or "desc", got "DESC"/,
    );
    expect(optionsFromQuery(surfaceOptionsSchema, { view: 'raw', asOfTxn: '3' })).toEqual({ view: 'raw', asOfTxn: 3 });
    expect(bad(() => checkQuery({ lmit: '1' }, ['limit']))).toMatch(
      /lmit: unknown query parameter \(this route takes limit\)/,
    );
    expect(bad(() => txnParam({ txn: '0' }))).toMatch(/txn: must be a positive integer, got "0"/);
  });
});

describe("the diff route's query, read by its declaration", () => {
  it('types each given parameter and leaves absent ones absent', () => {
    expect(queryValues(DIFF_QUERY, {})).toEqual({});
    expect(
      queryValues(DIFF_QUERY, {
        key: 'id',
        fields: 'a,b',
        limit: '0',
        format: 'ndjson',
        asOfTxn: '3',
        includeEqual: 'false',
      }),
    ).toEqual({ key: 'id', fields: 'a,b', limit: 0, format: 'ndjson', asOfTxn: 3, includeEqual: 'false' });
  });
  it('refuses a malformed value, naming it, as every route does', () => {
    expect(bad(() => queryValues(DIFF_QUERY, { limit: '100001' }))).toBe(
      'BAD_REQUEST: limit: must be an integer from 0 to 100000, got "100001"',
    );
    expect(bad(() => queryValues(DIFF_QUERY, { format: 'xml' }))).toBe(
      'BAD_REQUEST: format: must be one of "csv", "json", "ndjson", got "xml"',
    );
    expect(bad(() => queryValues(DIFF_QUERY, { key: '' }))).toMatch(/^BAD_REQUEST: key: must be a non-empty string/);
  });
});

describe('roles', () => {
  it('treats every spelling of /v1 and /metrics as an API path, never a UI file', () => {
    for (const p of [
      '/v1',
      '/v1/',
      '/v1/nope',
      '/V1/topics',
      '/%761/topics',
      '/%2576%2531/topics',
      '//v1/topics',
      '/x/../v1/topics',
      '/v1/..',
      '/metrics%3F',
      '/metrics%00',
      '/v1%20',
      '/./v1',
      '/v1;x',
      '/%6detrics',
      '/METRICS?x',
      '\\v1\\topics',
      'http://x/v1/topics',
      '/%zz',
    ]) {
      expect([p, isApiPath(p)]).toEqual([p, true]);
    }
    for (const p of [
      '/',
      '/index.html',
      '/assets/a.js',
      '/v1x',
      '/metrics.txt',
      '/v2/topics',
      'http://x/',
      '/a/../b',
    ]) {
      expect([p, isApiPath(p)]).toEqual([p, false]);
    }
  });
  it('orders read < write < admin', () => {
    expect(roleAtLeast('admin', 'write')).toBe(true);
    expect(roleAtLeast('write', 'admin')).toBe(false);
    expect(roleAtLeast('read', 'read')).toBe(true);
  });
});

describe('serve options', () => {
  it('parses --token and --tokens-file, naming a bad line', () => {
    const t = parseTokens({ flags: ['a:b:admin', 'r:read'], file: { name: 'f.txt', text: '# c\n\nw1 write\r\n' } });
    expect(t.map((x) => [x.token, x.role])).toEqual([
      ['a:b', 'admin'],
      ['r', 'read'],
      ['w1', 'write'],
    ]);
    expect(bad(() => parseTokens({ file: { name: 'f.txt', text: 'a read\nb\n' } }))).toMatch(
      /--tokens-file f\.txt line 2: expected "TOKEN ROLE"/,
    );
    expect(bad(() => parseTokens({ file: { name: 'f.txt', text: 'a root\n' } }))).toMatch(
      /line 1: role must be read, write or admin/,
    );
    expect(bad(() => parseTokens({ flags: ['nocolon'] }))).toMatch(/--token: expected TOKEN:ROLE/);
    expect(bad(() => parseTokens({ flags: ['x:read', 'x:admin'] }))).toMatch(/already given the read role/);
  });
  it('knows loopback addresses', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('127.1.2.3')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('::')).toBe(false);
    expect(isLoopback('192.168.1.4')).toBe(false);
    expect(isLoopback('example.com')).toBe(false);
  });
});

describe('formats', () => {
  it('quotes CSV fields per RFC 4180', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' lead')).toBe('" lead"');
    expect(
      surfaceCsvLine({ key: 'k', seq: 3, txn: 2, hash: 'h', time: 't', data: { b: 1, a: 'x,y' }, invalid: true }),
    ).toBe('k,3,2,h,t,true,"{""a"":""x,y"",""b"":1}"\r\n');
  });
  it('frames SSE events with id = seq', () => {
    const e = {
      topic: 't',
      seq: 7,
      txn: 3,
      key: 'k',
      type: 'event',
      data: 'line1\nline2',
      contentType: 'application/json',
      hash: 'h',
      time: 't',
    } as StoredEvent;
    expect(formatSse([e])).toBe(`id: 7\ndata: ${JSON.stringify(e)}\n\n`);
    expect(formatSse([e])).not.toMatch(/line1\nline2/); // newlines in data are escaped by JSON
  });
  it('frames the error event without an id, as one data line of the envelope', () => {
    const text = sseErrorEvent({ code: 'INTERNAL', message: 'event 5 of topic "t"\ncannot be serialised' });
    expect(text).toBe(
      `event: error\ndata: {"error":{"code":"INTERNAL","message":"event 5 of topic \\"t\\"\\ncannot be serialised"}}\n\n`,
    );
    expect(text).not.toMatch(/^id:/m);
  });
  it('keys the per-token stream cap by the token name the auth hook set, none in open mode', () => {
    const owner = (caller: { role: 'read'; name: string | null } | null): string | null =>
      streamOwner({ tidemarkCaller: caller } as unknown as FastifyRequest);
    expect(owner(null)).toBeNull();
    expect(owner({ role: 'read', name: null })).toBeNull();
    expect(owner({ role: 'read', name: 'viewer' })).toBe('viewer');
  });
});

describe('error mapping', () => {
  const req = { headers: { 'content-type': 'text/xml' }, url: '/x', id: 'req-7' } as unknown as FastifyRequest;
  it('turns framework errors into our codes and hides anything unknown', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    expect(errorResponse(tooLarge, req, 100)).toMatchObject({
      status: 413,
      body: { error: { code: 'TOO_LARGE', message: 'body: larger than the limit of 100 bytes' } },
    });
    const media = Object.assign(new Error('Unsupported Media Type'), {
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      statusCode: 415,
    });
    expect(errorResponse(media, req, 100)).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    expect(errorResponse(new TypeError('x is undefined'), req, 100)).toEqual({
      status: 500,
      body: { error: { code: 'INTERNAL', message: 'internal error (request id req-7)' } },
      internal: true,
    });
  });
  it('answers a cap with 429 TOO_MANY_REQUESTS and the Retry-After it names (or the default)', () => {
    const err = Object.assign(
      new TidemarkError('TOO_MANY_REQUESTS', 'live streams: the server already has its maximum of 3 open'),
      { retryAfter: 5 },
    );
    expect(errorResponse(err, req, 100)).toMatchObject({
      status: 429,
      body: {
        error: { code: 'TOO_MANY_REQUESTS', message: 'live streams: the server already has its maximum of 3 open' },
      },
    });
    expect(retryAfterSeconds(err)).toBe(5);
    expect(retryAfterSeconds({ code: 'TOO_MANY_REQUESTS', message: 'x' })).toBe(1);
    expect(retryAfterSeconds({ retryAfter: -3 })).toBe(1);
  });
});
