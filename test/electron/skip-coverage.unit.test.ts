/**
 * The Electron e2e files skip themselves where Electron cannot start, naming the tests that run
 * here in their place (`skipWithoutElectron(file, coveredBy)`). This keeps those names honest: each
 * named file exists (a glob names at least one file), so a skip never points at nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './electron-env';

const e2eFiles = readdirSync(path.join(root, 'test/electron')).filter((f) => f.endsWith('.e2e.ts'));

function coveredBy(source: string): string[] {
  const call = /skipWithoutElectron\(import\.meta\.filename, \[([\s\S]*?)\]\)/.exec(source);
  if (!call) return [];
  return [...call[1]!.matchAll(/'([^' ]+)[^']*'/g)].map((m) => m[1]!);
}

function exists(rel: string): boolean {
  if (!rel.includes('*')) return existsSync(path.join(root, rel));
  const dir = path.dirname(rel);
  const re = new RegExp('^' + path.basename(rel).replace(/\./g, '\\.').replace(/\*/g, '.*') + '$');
  return readdirSync(path.join(root, dir)).some((f) => re.test(f));
}

describe('Electron e2e skips name tests that run here', () => {
  it('finds the e2e files', () => {
    expect(e2eFiles.length).toBeGreaterThan(0);
  });
  for (const file of e2eFiles) {
    it(`${file} names existing stand-in tests`, () => {
      const names = coveredBy(readFileSync(path.join(root, 'test/electron', file), 'utf8'));
      expect(names.length).toBeGreaterThan(0);
      for (const n of names) expect(exists(n), n).toBe(true);
    });
  }
});
