import { describe, expect, it } from 'vitest';
import { buildUrl, pathOf } from './transport';
import { errorFromBody, hintFor, toApiError } from './errors';
import { TidemarkError } from '../../src-core/model/errors';

describe('buildUrl / pathOf', () => {
  it('encodes path segments and skips empty query values', () => {
    const url = buildUrl('http://h:1', pathOf('v1', 'topics', 'a:b/c', 'events'), {
      after: 0,
      before: undefined,
      key: '',
      order: 'desc',
      txn: null,
    });
    expect(url).toBe('http://h:1/v1/topics/a%3Ab%2Fc/events?after=0&order=desc');
  });

  it('refuses a query value with a lone surrogate instead of sending U+FFFD, naming the parameter', () => {
    expect(() => buildUrl('http://h:1', '/v1/topics/t/surface', { prefix: 'a\ud800' })).toThrow(
      expect.objectContaining({
        code: 'BAD_REQUEST',
        message: 'prefix: must be well-formed Unicode (it has a lone surrogate at index 1)',
      }),
    );
    // NUL and astral characters are sent exactly (a key stored with NUL may be named).
    const url = new URL(buildUrl('http://h:1', '/v1/topics/t/events', { key: 'a\u0000😀' }));
    expect(url.searchParams.get('key')).toBe('a\u0000😀');
  });

  it('keeps a base path', () => {
    expect(buildUrl('http://h:1/tm/', '/v1/topics')).toBe('http://h:1/tm/v1/topics');
    expect(buildUrl('http://h:1/tm', '/v1/topics')).toBe('http://h:1/tm/v1/topics');
  });
});

describe('errors', () => {
  it('reads the error envelope', () => {
    const e = errorFromBody(400, '{"error":{"code":"BAD_REQUEST","message":"limit: must be an integer"}}', 'x');
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.message).toBe('limit: must be an integer');
  });

  it('falls back to the status when the body is not ours', () => {
    const e = errorFromBody(502, '<html>bad gateway</html>', 'Loading topics');
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toContain('Loading topics failed: the server answered 502');
    expect(errorFromBody(404, '', 'x').code).toBe('NOT_FOUND');
  });

  it('maps thrown values to codes', () => {
    expect(toApiError(new TypeError('Failed to fetch'), 'Loading').code).toBe('UNAVAILABLE');
    expect(toApiError(new DOMException('aborted', 'AbortError')).code).toBe('CANCELLED');
    expect(toApiError({ code: 'CONFLICT', message: 'm' })).toBeInstanceOf(TidemarkError);
    expect(toApiError('weird').code).toBe('INTERNAL');
    expect(hintFor('UNAUTHORIZED')).toMatch(/token/);
  });
});
