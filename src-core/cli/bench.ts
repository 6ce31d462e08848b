/**
 * `tidemark bench [section...]`: runs the benchmark suite of `bench/run.ts` (the same as
 * `npm run bench -- [section...]`): each section with its baseline measured in the same run. The
 * suite is TypeScript that lives in a source checkout, outside src-core and outside the published
 * package, so it is loaded by path at run time through tsx (a dev dependency) rather than imported;
 * in an installed package the command says that it needs a checkout. The action is run/bench.ts.
 */
import type { Command } from 'commander';
import { lazyAction } from './lazy-action';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run the benchmark suite of a source checkout (see docs/bench.md; default: every section)')
    .argument('[sections...]', 'the sections to run')
    .action(lazyAction(() => import('./run/bench')));
}
