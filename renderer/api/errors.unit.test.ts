import { describe, expect, it } from 'vitest';
import { hintFor, shouldRetryQuery, toApiError } from './errors';
import { TidemarkError, schemaTooNew } from '../../src-core/model/errors';

describe('errors', () => {
  it('maps thrown values to codes', () => {
    expect(toApiError(new TypeError('Failed to fetch'), 'Loading').code).toBe('UNAVAILABLE');
    expect(toApiError(new DOMException('aborted', 'AbortError')).code).toBe('CANCELLED');
    expect(toApiError({ code: 'CONFLICT', message: 'm' })).toBeInstanceOf(TidemarkError);
    expect(toApiError('weird').code).toBe('INTERNAL');
    expect(hintFor('UNAUTHORIZED')).toMatch(/token/);
  });

  it('retries queries only while the store is unreachable, never SCHEMA_TOO_NEW (also a 503)', () => {
    const unreachable = toApiError(new TypeError('Failed to fetch'), 'Loading');
    expect(shouldRetryQuery(0, unreachable)).toBe(true);
    expect(shouldRetryQuery(1, unreachable)).toBe(true);
    expect(shouldRetryQuery(2, unreachable)).toBe(false);
    const tooNew = toApiError({ code: 'SCHEMA_TOO_NEW', message: schemaTooNew(4, 3).message });
    expect(tooNew.status).toBe(503);
    expect(shouldRetryQuery(0, tooNew)).toBe(false);
    for (const code of ['BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'INTERNAL'] as const) {
      expect(shouldRetryQuery(0, new TidemarkError(code, 'm'))).toBe(false);
    }
  });
});
