/**
 * `tidemark bench [section...]`: runs the benchmark suite of `bench/run.ts` (the same as
 * `npm run bench -- [section...]`): engine, http, diff, pg, each with its baseline measured in the
 * same run. The suite lives outside src-core, so it is loaded by path at run time rather than
 * imported (the engine does not depend on its benchmarks).
 */
import type { Command } from 'commander';
import { badRequest } from '../model/errors';

type RunBench = (sections: string[]) => Promise<void>;

function isRunBench(v: unknown): v is RunBench {
  return typeof v === 'function';
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run the benchmark suite (sections: engine, http, diff, pg; default all, in that order)')
    .argument('[sections...]', 'the sections to run')
    .action(async (sections: string[]) => {
      const url = new URL('../../bench/run.ts', import.meta.url);
      const mod = (await import(url.href)) as { runBench?: unknown };
      if (!isRunBench(mod.runBench)) throw badRequest('bench/run.ts does not export runBench');
      await mod.runBench(sections);
    });
}
