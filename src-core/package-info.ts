/**
 * Where the Tidemark package is on disk and which version it is, found the same way whether this
 * code runs from the TypeScript sources (src-core/…), from the compiled bundle (dist/…) or from an
 * installed package (node_modules/tidemark/dist/…): the nearest directory above this module that
 * holds a package.json named "tidemark". Used for `--version`, the default UI directory
 * (`<root>/dist/renderer`) and the benchmark suite of a source checkout (`<root>/bench`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_NAME = 'tidemark';

interface PackageJson {
  name?: unknown;
  version?: unknown;
}

function readPackageJson(dir: string): PackageJson | null {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return null;
  }
}

let cached: { root: string; version: string } | null | undefined;

function find(): { root: string; version: string } | null {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  cached = null;
  for (let depth = 0; depth < 20; depth++) {
    const pkg = readPackageJson(dir);
    if (pkg?.name === PACKAGE_NAME) {
      cached = { root: dir, version: typeof pkg.version === 'string' ? pkg.version : 'unknown' };
      break;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return cached;
}

/** The package's root directory (where its package.json is), or null when it cannot be found. */
export function packageRoot(): string | null {
  return find()?.root ?? null;
}

/** The package's version from its package.json, or `unknown`. */
export function packageVersion(): string {
  return find()?.version ?? 'unknown';
}
