import { describe, expect, it } from 'vitest';
import { parseWhoami } from './whoami';

describe('parseWhoami', () => {
  it('reads the role and the token name', () => {
    expect(parseWhoami({ role: 'write', name: 'ci' }, 'http://h')).toEqual({ role: 'write', name: 'ci' });
    expect(parseWhoami({ role: 'admin', name: null }, 'http://h')).toEqual({ role: 'admin', name: null });
    expect(parseWhoami({ role: 'read' }, 'http://h')).toEqual({ role: 'read', name: null });
  });

  it('refuses an answer without a role: not a Tidemark server, no role guessed', () => {
    for (const body of [null, 'x', {}, { role: 'owner' }, { role: 1 }]) {
      expect(() => parseWhoami(body, 'http://h')).toThrow(
        expect.objectContaining({
          code: 'BAD_REQUEST',
          message: 'http://h: is not a Tidemark server (no role in /v1/whoami)',
        }),
      );
    }
    expect(() => parseWhoami({ role: 'read', name: 5 }, 'http://h')).toThrow(/token name/);
  });
});
