/**
 * bin/serve-node.mjs: which node flags `tidemark serve` is re-executed with (docs/http.md,
 * "Running the server"). The re-execution itself is tested end to end in serve-reexec.int.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { PARENT_FD_ENV, SERVE_SEMI_SPACE_MB, reexecFlags, serveNodeFlags, watchParent } from '../../bin/serve-node.mjs';

const DEFAULT = [`--max-semi-space-size=${SERVE_SEMI_SPACE_MB}`];

describe('serveNodeFlags', () => {
  it('gives the default semi-space size when nothing says otherwise', () => {
    expect(serveNodeFlags({}, [], 'linux')).toEqual({ flags: DEFAULT, warning: null });
    expect(serveNodeFlags({ TIDEMARK_SERVE_SEMI_SPACE_MB: '' }, [], 'darwin')).toEqual({
      flags: DEFAULT,
      warning: null,
    });
  });

  it('takes a size in MiB from TIDEMARK_SERVE_SEMI_SPACE_MB, and 0 as no flag', () => {
    expect(serveNodeFlags({ TIDEMARK_SERVE_SEMI_SPACE_MB: '128' }, [], 'linux').flags).toEqual([
      '--max-semi-space-size=128',
    ]);
    expect(serveNodeFlags({ TIDEMARK_SERVE_SEMI_SPACE_MB: '1024' }, [], 'linux').flags).toEqual([
      '--max-semi-space-size=1024',
    ]);
    expect(serveNodeFlags({ TIDEMARK_SERVE_SEMI_SPACE_MB: '0' }, [], 'linux')).toEqual({ flags: [], warning: null });
  });

  it('sets nothing, with a warning, for a value that is not a size', () => {
    for (const v of ['abc', '-1', '1025', '64m', ' 64', '1.5', '99999']) {
      const r = serveNodeFlags({ TIDEMARK_SERVE_SEMI_SPACE_MB: v }, [], 'linux');
      expect(r.flags).toEqual([]);
      expect(r.warning).toBe(
        `tidemark: TIDEMARK_SERVE_SEMI_SPACE_MB=${v} is not a size in MiB from 0 to 1024; serving with node's default`,
      );
    }
  });

  it("leaves a size already given to node alone (the user's, or the re-executed child's own)", () => {
    expect(serveNodeFlags({}, ['--max-semi-space-size=16'], 'linux').flags).toEqual([]);
    expect(serveNodeFlags({ NODE_OPTIONS: '--max-semi-space-size=8 --enable-source-maps' }, [], 'linux').flags).toEqual(
      [],
    );
    expect(serveNodeFlags({ NODE_OPTIONS: '--enable-source-maps' }, ['--trace-gc'], 'linux').flags).toEqual(DEFAULT);
  });

  it('sets nothing under a debugger, whose port the server could not take again', () => {
    expect(serveNodeFlags({}, ['--inspect'], 'linux').flags).toEqual([]);
    expect(serveNodeFlags({}, ['--inspect-brk=0'], 'linux').flags).toEqual([]);
    expect(serveNodeFlags({ NODE_OPTIONS: '--inspect=127.0.0.1:9230' }, [], 'linux').flags).toEqual([]);
  });

  it('sets nothing on Windows (no process groups to pass signals through)', () => {
    expect(serveNodeFlags({}, [], 'win32')).toEqual({ flags: [], warning: null });
  });
});

describe('reexecFlags', () => {
  it('re-executes `serve` only', () => {
    expect(reexecFlags(['serve', '--port', '0'], {}, [], 'linux').flags).toEqual(DEFAULT);
    for (const args of [[], ['write', 'serve'], ['read', 't'], ['--version'], ['diff', '--help']]) {
      expect(reexecFlags(args, {}, [], 'linux').flags).toBeNull();
    }
  });

  it('runs `serve --help` in place', () => {
    expect(reexecFlags(['serve', '--help'], {}, [], 'linux').flags).toBeNull();
    expect(reexecFlags(['serve', '-h'], {}, [], 'linux').flags).toBeNull();
  });

  it('runs in place when no flag is wanted, passing a warning on', () => {
    expect(reexecFlags(['serve'], { TIDEMARK_SERVE_SEMI_SPACE_MB: '0' }, [], 'linux')).toEqual({
      flags: null,
      warning: null,
    });
    const r = reexecFlags(['serve'], { TIDEMARK_SERVE_SEMI_SPACE_MB: 'x' }, [], 'linux');
    expect(r.flags).toBeNull();
    expect(r.warning).toMatch(/TIDEMARK_SERVE_SEMI_SPACE_MB=x/);
    expect(reexecFlags(['serve'], {}, ['--max-semi-space-size=64'], 'linux').flags).toBeNull();
  });
});

describe('watchParent', () => {
  it('ignores a variable that names no socket (a stray one), and removes it either way', () => {
    for (const value of ['abc', '1', '999', '-3', '']) {
      const env: Record<string, string | undefined> = { [PARENT_FD_ENV]: value, OTHER: 'x' };
      expect(() => watchParent(env)).not.toThrow();
      expect(env).toEqual({ OTHER: 'x' });
    }
    const none: Record<string, string | undefined> = { OTHER: 'x' };
    watchParent(none);
    expect(none).toEqual({ OTHER: 'x' });
  });
});
