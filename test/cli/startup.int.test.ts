/**
 * What the built CLI loads (docs/cli.md, "Start-up"): `tidemark --help`, `--version` and
 * `completion` read bin/tidemark.mjs and dist/cli.js and no other file of the package or of
 * node_modules (commander is bundled, every action is loaded when its command runs), and neither
 * node:child_process nor node:crypto, the two built-in modules whose loading cost most of a start;
 * a command loads its own action and not the others'. Each run goes through module hooks
 * (`--import` of a preload that registers them) that log every file the process loads as a
 * module, and the built-in modules it loaded.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from './helpers';

const HOOKS = `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(log, url + '\\n');
  return next(url, context);
}`;

const PRELOAD = `import { register } from 'node:module';
import { appendFileSync } from 'node:fs';
const log = process.env.TIDEMARK_TEST_LOAD_LOG;
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}), { data: { log } });
process.on('exit', () => appendFileSync(log, process.moduleLoadList
  .filter((m) => m.startsWith('NativeModule '))
  .map((m) => 'node:' + m.slice('NativeModule '.length) + '\\n')
  .join('')));`;

const tmp = tempDir();
afterAll(() => tmp.cleanup());
let runs = 0;

/** Runs the CLI; returns its exit code and the package's files it loaded, relative to the root. */
function loaded(args: string[]): { code: number | null; files: string[]; builtins: string[] } {
  const log = join(tmp.dir, `load-${++runs}.log`);
  const r = spawnSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(PRELOAD)}`, BIN, ...args],
    {
      cwd: tmp.dir,
      encoding: 'utf8',
      env: { ...process.env, TIDEMARK_TEST_LOAD_LOG: log, TIDEMARK_TOKEN: '' },
    },
  );
  const lines = readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  const root = pathToFileURL(ROOT).href + '/';
  return {
    code: r.status,
    files: lines.filter((l) => l.startsWith('file:')).map((l) => (l.startsWith(root) ? l.slice(root.length) : l)),
    builtins: lines.filter((l) => l.startsWith('node:')),
  };
}

describe('tidemark start-up', () => {
  it.each([[['--help']], [['--version']], [['completion', 'bash']], [['read', '--help']]])(
    '%j loads one module of the package besides the bin, and no child_process or crypto',
    (args) => {
      const { code, files, builtins } = loaded(args);
      expect(code).toBe(0);
      expect(files).toEqual(['bin/tidemark.mjs', 'dist/cli.js']);
      expect(builtins).not.toContain('node:child_process');
      expect(builtins).not.toContain('node:crypto');
    },
  );

  it('a command loads its own action when it runs, and no other command', () => {
    const { code, files } = loaded(['topics', '--db', join(tmp.dir, 'missing.db')]);
    expect(code).toBe(1); // no store file: the action ran and refused it
    expect(files.slice(0, 3)).toEqual(['bin/tidemark.mjs', 'dist/cli.js', 'dist/chunks/cli/topics.js']);
    const actions = files.filter((f) => /^dist\/chunks\/cli\/[a-z-]+\.js$/.test(f));
    expect(actions).toEqual(['dist/chunks/cli/topics.js']);
    expect(files.filter((f) => f.includes('/node_modules/commander/'))).toEqual([]);
  });
});
