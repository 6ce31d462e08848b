import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, type ErrorCode } from '../model/errors';
import { isFatalStreamError, reconnectDelay, retryAfterMs } from './sse-policy';

describe('the live tail’s reconnect policy', () => {
  it('retries what a later attempt can fix; everything else is fatal', () => {
    const codes = Object.keys(ERROR_STATUS) as ErrorCode[];
    const retried = codes.filter((c) => !isFatalStreamError(c)).sort();
    expect(retried).toEqual(['INTERNAL', 'TIMEOUT', 'TOO_MANY_REQUESTS', 'UNAVAILABLE']);
    // SCHEMA_TOO_NEW is a 503 like UNAVAILABLE, but waiting does not fix it.
    for (const c of ['BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'SCHEMA_TOO_NEW'] as const) {
      expect(isFatalStreamError(c)).toBe(true);
      expect(reconnectDelay(c, '5', 500)).toBeNull();
    }
  });

  it('waits reconnectMs, and a 429 its Retry-After when longer', () => {
    expect(reconnectDelay('UNAVAILABLE', null, 500)).toBe(500);
    expect(reconnectDelay('INTERNAL', '5', 500)).toBe(500);
    expect(reconnectDelay('TOO_MANY_REQUESTS', '5', 500)).toBe(5000);
    expect(reconnectDelay('TOO_MANY_REQUESTS', null, 500)).toBe(500);
    expect(reconnectDelay('TOO_MANY_REQUESTS', '0', 20)).toBe(20);
  });

  it('reads Retry-After as delta seconds, capped at an hour', () => {
    expect(retryAfterMs(' 7 ')).toBe(7000);
    expect(retryAfterMs('999999')).toBe(3_600_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT')).toBe(0);
    expect(retryAfterMs('-3')).toBe(0);
    expect(retryAfterMs('1.5')).toBe(0);
    expect(retryAfterMs(null)).toBe(0);
  });
});
