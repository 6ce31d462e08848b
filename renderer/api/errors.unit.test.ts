import { describe, expect, it } from 'vitest';
import { hintFor, toApiError } from './errors';
import { TidemarkError } from '../../src-core/model/errors';

describe('errors', () => {
  it('maps thrown values to codes', () => {
    expect(toApiError(new TypeError('Failed to fetch'), 'Loading').code).toBe('UNAVAILABLE');
    expect(toApiError(new DOMException('aborted', 'AbortError')).code).toBe('CANCELLED');
    expect(toApiError({ code: 'CONFLICT', message: 'm' })).toBeInstanceOf(TidemarkError);
    expect(toApiError('weird').code).toBe('INTERNAL');
    expect(hintFor('UNAUTHORIZED')).toMatch(/token/);
  });
});
