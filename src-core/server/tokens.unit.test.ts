/**
 * Token configuration of the server (server/tokens.ts): the `TOKEN:ROLE[:NAME]` split (tokens may
 * contain `:`), the `<role>-<n>` naming across --token flags, tokens file and TIDEMARK_TOKENS,
 * refusal of duplicates and bad names, the warning on a tokens file others may read (a real file,
 * real chmod), lookup by digest, and that no message repeats a secret.
 */
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TokenTable, namedTokens, parseTokenSpec, parseTokens, readTokensFile } from './tokens';
import { tempDir } from '../../test/http/helpers';

const dir = tempDir('tidemark-tokens-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failure = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return `${(e as { code: string }).code}: ${(e as Error).message}`;
  }
  throw new Error('expected a throw');
};

describe('TOKEN:ROLE[:NAME]', () => {
  it.each([
    ['s3cret:admin', { token: 's3cret', role: 'admin' }],
    ['s3cret:admin:alice', { token: 's3cret', role: 'admin', name: 'alice' }],
    ['a:b:read', { token: 'a:b', role: 'read' }],
    ['a:b:read:bob', { token: 'a:b', role: 'read', name: 'bob' }],
    ['x:read:y:write', { token: 'x:read:y', role: 'write' }],
    ['x:read:y:write:ci-1', { token: 'x:read:y', role: 'write', name: 'ci-1' }],
    ['abc:read:admin:boss', { token: 'abc:read', role: 'admin', name: 'boss' }],
    ['::admin', { token: ':', role: 'admin' }],
  ])('%s', (spec, want) => {
    expect(parseTokenSpec(spec, '--token')).toEqual(want);
  });

  it.each([
    ['nocolon', /expected TOKEN:ROLE or TOKEN:ROLE:NAME/],
    [':admin', /the token must be non-empty/],
    ['t:root', /role must be read, write or admin, got "root"/],
    ['t:admin:', /token name "" must be 1-64 characters/],
    ['t:admin:has space', /token name "has space"/],
    ['t:admin:-lead', /token name "-lead"/],
    [`t:admin:${'n'.repeat(65)}`, /must be 1-64 characters/],
    ['t:read:admin', /ambiguous, the last two ":" fields are both role names/],
    ['abc:read:admin', /ambiguous/],
    ['se cret:read', /non-empty visible ASCII with no spaces/],
    ['sécret:read', /non-empty visible ASCII/],
  ])('refuses %j', (spec, message) => {
    expect(failure(() => parseTokenSpec(spec, '--token'))).toMatch(message);
  });

  it('never repeats the secret in a message', () => {
    for (const spec of [
      'topsecret',
      'topsecret:root',
      'top secret:read',
      'topsecret:read:admin',
      'topsecret:admin:??',
    ]) {
      expect(failure(() => parseTokenSpec(spec, '--token'))).not.toContain('secret');
    }
    expect(failure(() => parseTokens({ flags: ['topsecret:read', 'topsecret:write'] }))).not.toContain('topsecret');
  });
});

describe('naming and sources', () => {
  it('names unnamed tokens <role>-<n> by position: flags, then file, then TIDEMARK_TOKENS', () => {
    const t = parseTokens({
      flags: ['f1:read', 'f2:admin:root-op'],
      file: { name: 'f', text: '# comment\n\nl1 write\nl2 read   ops\n' },
      env: 'e1:read, e2:write:ci',
    });
    expect(t.map((x) => [x.token, x.role, x.name])).toEqual([
      ['f1', 'read', 'read-1'],
      ['f2', 'admin', 'root-op'],
      ['l1', 'write', 'write-3'],
      ['l2', 'read', 'ops'],
      ['e1', 'read', 'read-5'],
      ['e2', 'write', 'ci'],
    ]);
  });

  it('an empty TIDEMARK_TOKENS means none; an empty item is refused, naming it', () => {
    expect(parseTokens({ env: '' })).toEqual([]);
    expect(failure(() => parseTokens({ env: 'a:read,,b:read' }))).toBe(
      'BAD_REQUEST: TIDEMARK_TOKENS item 2: is empty (items are separated by single commas)',
    );
    expect(failure(() => parseTokens({ env: 'a:read,b' }))).toMatch(/^BAD_REQUEST: TIDEMARK_TOKENS item 2: expected/);
  });

  it('tokens-file lines have two or three fields', () => {
    expect(failure(() => parseTokens({ file: { name: 'f', text: 'a read x y\n' } }))).toMatch(
      /--tokens-file f line 1: expected "TOKEN ROLE" or "TOKEN ROLE NAME", got 4 fields/,
    );
    expect(failure(() => parseTokens({ file: { name: 'f', text: 'a read b:c\n' } }))).toMatch(
      /line 1: token name "b:c"/,
    );
  });

  it('refuses a token given twice (even with the same role) and a name given twice', () => {
    expect(failure(() => parseTokens({ flags: ['x:read'], env: 'x:read' }))).toMatch(
      /TIDEMARK_TOKENS item 1: this token was already given the read role \(as "read-1"\)/,
    );
    expect(failure(() => parseTokens({ flags: ['a:read:ops', 'b:write:ops'] }))).toMatch(/duplicate token name "ops"/);
    // an explicit name may not take the name an unnamed token gets
    expect(failure(() => parseTokens({ flags: ['a:read:read-2', 'b:read'] }))).toMatch(/duplicate token name "read-2"/);
  });

  it('startServer/buildApp accept a token → role map (named by position) or named specs', () => {
    const fromMap = namedTokens(
      new Map([
        ['r', 'read'],
        ['a', 'admin'],
      ] as const),
    );
    expect(fromMap).toEqual([
      { token: 'r', role: 'read', name: 'read-1' },
      { token: 'a', role: 'admin', name: 'admin-2' },
    ]);
    expect(
      namedTokens([
        { token: 'w', role: 'write', name: 'ci' },
        { token: 'r', role: 'read' },
      ]),
    ).toEqual([
      { token: 'w', role: 'write', name: 'ci' },
      { token: 'r', role: 'read', name: 'read-2' },
    ]);
    expect(namedTokens(undefined)).toEqual([]);
    expect(failure(() => namedTokens(new Map([['', 'read']] as const)))).toMatch(/tokens\[0\]: the token must be/);
  });

  it('looks a presented token up by digest', () => {
    const table = new TokenTable(parseTokens({ flags: ['k1:write:ci'] }));
    expect(table.open).toBe(false);
    expect(table.lookup('k1')).toEqual({ role: 'write', name: 'ci' });
    expect(table.lookup('k2')).toBeUndefined();
    expect(table.lookup('K1')).toBeUndefined();
    expect(new TokenTable([]).open).toBe(true);
  });
});

describe('tokens file', () => {
  it.skipIf(process.platform === 'win32')('warns when group or others may access it, not when it is 0600', () => {
    const file = join(dir, 'tokens');
    writeFileSync(file, 'k1 read\n');
    chmodSync(file, 0o600);
    expect(readTokensFile(file)).toEqual({ name: file, text: 'k1 read\n', warning: null });
    chmodSync(file, 0o644);
    const w = readTokensFile(file).warning;
    expect(w).toBe(
      `tidemark: warning: tokens file ${file} is accessible to group or others (mode 644); run chmod 600 ${file}`,
    );
    expect(w).not.toContain('\n');
    chmodSync(file, 0o640);
    expect(readTokensFile(file).warning).toMatch(/mode 640/);
  });

  it('an unreadable file is refused, naming it', () => {
    expect(failure(() => readTokensFile(join(dir, 'missing')))).toBe(
      `BAD_REQUEST: --tokens-file: cannot read ${join(dir, 'missing')}`,
    );
  });
});
