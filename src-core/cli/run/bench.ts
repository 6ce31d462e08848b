/** What `tidemark bench` (../bench.ts) does: loads bench/run.ts of the checkout through tsx and runs it. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as TsxApi from 'tsx/esm/api';
import { badRequest } from '../../model/errors';
import { packageRoot } from '../../package-info';

type RunBench = (sections: string[]) => Promise<void>;

function isRunBench(v: unknown): v is RunBench {
  return typeof v === 'function';
}

export async function run(sections: string[]): Promise<void> {
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
