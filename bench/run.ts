/**
 * The benchmark suite (`npm run bench [-- section...]`, or `tidemark bench [section...]`): runs,
 * in order, bench/engine.ts, bench/http.ts, bench/fanout.ts, bench/diff.ts, bench/pg.ts, bench/reads.ts,
 * bench/timeline.ts, bench/verify.ts and bench/cli-start.ts. Sections in ON_REQUEST run only when
 * named, since they take long: `npm run bench -- scale` (bench/scale.ts: how cost grows from 1x to
 * 16x a base size, minutes at the default size). Each section module
 * exports `async function run(): Promise<void>` and measures its own baseline in the same run.
 * Sections are imported dynamically, so one that is missing (not built yet) or fails is reported
 * and skipped without stopping the others; the exit code is 1 if any section failed. Not part of
 * `npm test`: benchmarks are slow and their figures depend on the machine.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMain } from './util';

export const SECTIONS = ['engine', 'http', 'fanout', 'diff', 'pg', 'reads', 'timeline', 'verify', 'cli-start'] as const;
/** Sections left out of the default run (every section), run only when named. */
export const ON_REQUEST = ['scale'] as const;
export type Section = (typeof SECTIONS)[number] | (typeof ON_REQUEST)[number];
const ALL: readonly string[] = [...SECTIONS, ...ON_REQUEST];

function isSection(s: string): s is Section {
  return ALL.includes(s);
}

interface SectionModule {
  run?: unknown;
}

/**
 * Runs the named sections (every one of SECTIONS when empty, never ON_REQUEST's unnamed) in suite
 * order; returns the names that failed.
 */
export async function runBench(selected: string[] = []): Promise<string[]> {
  const unknown = selected.filter((s) => !isSection(s));
  if (unknown.length > 0) {
    throw new Error(`unknown bench section ${unknown.join(', ')} (sections: ${ALL.join(', ')})`);
  }
  const sections = selected.length === 0 ? [...SECTIONS] : ALL.filter((s) => selected.includes(s));
  const failed: string[] = [];
  for (const name of sections) {
    const file = new URL(`./${name}.ts`, import.meta.url);
    console.log(`\n=== bench: ${name} ===`);
    if (!existsSync(fileURLToPath(file))) {
      console.log(`skipped: bench/${name}.ts does not exist yet`);
      continue;
    }
    const started = performance.now();
    try {
      const mod = (await import(file.href)) as SectionModule;
      if (typeof mod.run !== 'function') {
        console.log(`skipped: bench/${name}.ts does not export run()`);
        continue;
      }
      await (mod.run as () => Promise<void>)();
      console.log(`=== ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s ===`);
    } catch (err) {
      failed.push(name);
      console.log(`FAILED: ${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  if (failed.length > 0) {
    process.exitCode = 1;
    console.log(`\nfailed sections: ${failed.join(', ')}`);
  }
  return failed;
}

if (isMain(import.meta.url)) {
  await runBench(process.argv.slice(2));
}
