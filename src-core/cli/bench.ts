/**
 * `tidemark bench [section...]`: runs the benchmark suite of `bench/run.ts` (the same as
 * `npm run bench -- [section...]`): each section with its baseline measured in the same run. The
 * suite is TypeScript that lives in a source checkout, outside src-core and outside the published
 * package, so it is loaded by path at run time through tsx (a dev dependency) rather than imported;
 * in an installed package the command says that it needs a checkout.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import type * as TsxApi from 'tsx/esm/api';
import { badRequest } from '../model/errors';
import { packageRoot } from '../package-info';

type RunBench = (sections: string[]) => Promise<void>;

function isRunBench(v: unknown): v is RunBench {
  return typeof v === 'function';
}

async function runSuite(sections: string[]): Promise<void> {
  const root = packageRoot();
  const file = root === null ? null : join(root, 'bench', 'run.ts');
  if (file === null || !existsSync(file)) {
    throw badRequest(
      'bench: the benchmark suite is part of a source checkout of Tidemark (bench/), not of the installed package',
    );
  }
  let tsx: typeof TsxApi;
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    throw badRequest('bench: needs the dev dependencies of the checkout (tsx); run `npm install` there first');
  }
  const mod = (await tsx.tsImport(pathToFileURL(file).href, import.meta.url)) as { runBench?: unknown };
  if (!isRunBench(mod.runBench)) throw badRequest('bench/run.ts does not export runBench');
  await mod.runBench(sections);
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run the benchmark suite of a source checkout (see docs/bench.md; default: every section)')
    .argument('[sections...]', 'the sections to run')
    .action(runSuite);
}
