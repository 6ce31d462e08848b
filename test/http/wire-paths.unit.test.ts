/**
 * The client's route paths (src-core/wire/paths.ts) and the server's route table
 * (src-core/server/route-table.ts) name the same routes: every builder's path matches a declared
 * pattern, and every declared pattern has a builder.
 */
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../src-core/server/route-table';
import { paths } from '../../src-core/wire/paths';

const built: string[] = Object.values(paths).map((build) => build('a:b', 7));

const patternOf = (path: string): RegExp => new RegExp(`^${path.replace(/:[a-z]+/g, '[^/]+')}$`);

describe('wire paths', () => {
  it('each builds a path of a route the server declares', () => {
    for (const p of built)
      expect(
        ROUTES.some((r) => patternOf(r.path).test(p)),
        p,
      ).toBe(true);
  });

  it('each route the server declares has a builder', () => {
    for (const r of ROUTES)
      expect(
        built.some((p) => patternOf(r.path).test(p)),
        r.path,
      ).toBe(true);
  });
});
