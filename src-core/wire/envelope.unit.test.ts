import { describe, expect, it } from 'vitest';
import { TidemarkError } from '../model/errors';
import { errorFromResponse, errorFromStatus, networkError, notJson, toCodedError } from './envelope';

describe('errorFromStatus', () => {
  it('reads the error envelope: the server’s code and message', () => {
    const e = errorFromStatus(400, '{"error":{"code":"BAD_REQUEST","message":"limit: must be an integer"}}', 'x');
    expect(e).toBeInstanceOf(TidemarkError);
    expect(e).toMatchObject({ code: 'BAD_REQUEST', message: 'limit: must be an integer' });
  });

  it('falls back to the status when the body is not ours, quoting its start', () => {
    const e = errorFromStatus(502, '<html>bad gateway</html>', 'Loading topics');
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toBe('Loading topics failed: the server answered 502 (<html>bad gateway</html>)');
    expect(errorFromStatus(404, '', 'x')).toMatchObject({
      code: 'NOT_FOUND',
      message: 'x failed: the server answered 404',
    });
    expect(errorFromStatus(429, 'x'.repeat(1000), 'x').message).toHaveLength(
      'x failed: the server answered 429 ()'.length + 200,
    );
    // An envelope with an unknown code is not ours either.
    expect(errorFromStatus(503, '{"error":{"code":"NOPE","message":"m"}}', 'x').code).toBe('UNAVAILABLE');
  });

  it('reads the body of a Response, and copes with one that cannot be read', async () => {
    const res = new Response('{"error":{"code":"CONFLICT","message":"expectMaxSeq: is 3"}}', { status: 409 });
    expect(await errorFromResponse(res, 'Writing')).toMatchObject({ code: 'CONFLICT', message: 'expectMaxSeq: is 3' });
    const broken = new Response(
      new ReadableStream({
        pull: (c) => c.error(new TypeError('terminated')),
      }),
      { status: 500 },
    );
    expect(await errorFromResponse(broken, 'Writing')).toMatchObject({
      code: 'INTERNAL',
      message: 'Writing failed: the server answered 500',
    });
  });
});

describe('networkError / toCodedError', () => {
  it('a request without an answer is UNAVAILABLE, naming the server and the cause', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    expect(networkError(refused, 'GET /v1/topics', 'http://h:1')).toMatchObject({
      code: 'UNAVAILABLE',
      message: 'GET /v1/topics could not reach the server at http://h:1 (ECONNREFUSED)',
    });
    expect(networkError(new Error('socket hang up'), 'x', 'http://h:1').code).toBe('UNAVAILABLE');
    expect(networkError(new DOMException('t', 'TimeoutError'), 'Connecting', 'http://h:1')).toMatchObject({
      code: 'UNAVAILABLE',
      message: 'Connecting could not reach the server at http://h:1 (no answer in time)',
    });
  });

  it('an abort is CANCELLED; a coded error stays what it is', () => {
    expect(networkError(new DOMException('aborted', 'AbortError'), 'Exporting')).toMatchObject({
      code: 'CANCELLED',
      message: 'Exporting was cancelled',
    });
    const coded = new TidemarkError('NOT_FOUND', 'gone');
    expect(networkError(coded, 'x')).toBe(coded);
    expect(toCodedError({ code: 'CONFLICT', message: 'm' }, 'x')).toBeInstanceOf(TidemarkError);
  });

  it('toCodedError: a network TypeError is UNAVAILABLE, any other error INTERNAL with its message', () => {
    expect(toCodedError(new TypeError('Failed to fetch'), 'Loading')).toMatchObject({
      code: 'UNAVAILABLE',
      message: 'Loading could not reach the server (Failed to fetch)',
    });
    expect(toCodedError(new RangeError('bad'), 'x')).toMatchObject({ code: 'INTERNAL', message: 'bad' });
    expect(toCodedError('weird', 'x')).toMatchObject({ code: 'INTERNAL', message: 'weird' });
  });

  it('a 2xx answer that is not JSON is INTERNAL', () => {
    expect(notJson('Loading topics')).toMatchObject({
      code: 'INTERNAL',
      message: "Loading topics failed: the server's answer is not JSON",
    });
  });
});
