/**
 * `tidemark bench engine` as a smoke test: the real CLI runs the engine section at a tiny scale
 * (TIDEMARK_BENCH_SCALE) with its figures written to a temp dir, so the benchmark cannot rot
 * silently when the engine's schema or API changes. It asserts the shape of the report and of the
 * figures, never a speed (performance is judged by `npm run bench`, not by tests).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers';

let tmp: { dir: string; cleanup: () => void };
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

describe('tidemark bench', () => {
  it('runs the engine section with its baseline and writes its figures', async () => {
    const r = await runCli(['bench', 'engine'], {
      env: { TIDEMARK_BENCH_SCALE: '0.005', TIDEMARK_BENCH_OUT: tmp.dir },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('=== bench: engine ===');
    for (const row of [
      'raw insert, 1 row/txn',
      'raw insert, 1000 rows/txn',
      'tidemark, 1 event/txn',
      'tidemark, 1000 events/txn',
      'first page, 100 rows (median)',
      'full scan, pages of 10,000',
    ]) {
      expect(r.stdout).toContain(row);
    }
    expect(r.stdout).toMatch(/(PASS|MISS)/);
    expect(r.stdout).not.toContain('FAILED');
    const figures = JSON.parse(readFileSync(join(tmp.dir, 'engine.json'), 'utf8')) as {
      ratios: Record<string, number>;
      surface: { surfaceRows: number };
      sizes: { surfaceKeys: number };
    };
    expect(figures.surface.surfaceRows).toBe(figures.sizes.surfaceKeys);
    for (const v of Object.values(figures.ratios)) expect(v).toBeGreaterThan(0);
  });
});
