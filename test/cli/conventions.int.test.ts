/**
 * CLI conventions, through the real `tidemark` command: exit codes (2 for usage errors, 1 for
 * failures, 3 for `diff --exit-code` with differences is in test/diff/cli.int.test.ts), no colour or
 * progress bar in non-terminal output even with FORCE_COLOR, bash completion that completes in a
 * real bash, and `serve --open` starting the platform's opener with the server's URL (a stand-in
 * `xdg-open` on PATH records what it was given; no real browser).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ndjson, runCli, tempDir } from './helpers';

let tmp: { dir: string; cleanup: () => void };
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

const ESC = '\u001b';

describe('exit codes', () => {
  it('2 for usage errors found before anything runs', async () => {
    for (const args of [
      ['nosuch'],
      ['read', '--no-such-option'],
      ['read', '--topic', 't', '--limit', 'ten'],
      ['read'], // --topic is required
      ['completion', 'fish'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^tidemark: .*\(see --help\)\n$/);
    }
  });

  it('1 for a failure, 0 for help and version', async () => {
    const missing = await runCli(['read', '--db', join(tmp.dir, 'missing.db'), '--topic', 't']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^tidemark: no store file at .* \(NOT_FOUND\)\n$/);
    expect((await runCli(['--help'])).code).toBe(0);
    expect((await runCli(['--version'])).code).toBe(0);
  });
});

describe('output for pipes and logs', () => {
  it('has no colour and no progress bar, even with FORCE_COLOR', async () => {
    const env = { FORCE_COLOR: '3', TERM: 'xterm-256color' };
    const db = join(tmp.dir, 'plain.db');
    const rows = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, data: i }));
    const write = await runCli(['write', '--db', db, '--topic', 't'], { input: ndjson(rows), env });
    expect(write.code).toBe(0);
    expect(write.stderr).toBe('');
    const help = await runCli(['read', '--help'], { env });
    const table = await runCli(['surface', '--db', db, '--topic', 't', '--format', 'table'], { env });
    for (const out of [write.stdout, help.stdout, table.stdout, table.stderr]) expect(out).not.toContain(ESC);
  });
});

describe('tidemark completion', () => {
  /** What bash completes for the words typed so far (the last one may be partial). */
  function complete(words: string[]): string[] {
    const script = `source <("${process.execPath}" "${BIN}" completion bash)
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_tidemark_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['-c', script], { cwd: tmp.dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter((l) => l !== '');
  }

  it('bash: commands, options, option values and file names', () => {
    expect(complete(['tidemark', 'su'])).toEqual(['surface']);
    expect(complete(['tidemark', 'read', '--fo'])).toEqual(['--follow', '--format']);
    expect(complete(['tidemark', 'read', '--format', ''])).toEqual(['ndjson', 'table']);
    expect(complete(['tidemark', 'completion', ''])).toEqual(expect.arrayContaining(['bash', 'zsh']));
    writeFileSync(join(tmp.dir, 'snapshot.csv'), 'key\n');
    expect(complete(['tidemark', 'diff', '--file', 'snap'])).toEqual(['snapshot.csv']);
    expect(complete(['tidemark', 'read', '--topic', ''])).toEqual([]);
  });

  it('zsh: a #compdef script', async () => {
    const r = await runCli(['completion', 'zsh']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('#compdef tidemark');
    if (existsSync('/usr/bin/zsh') || existsSync('/bin/zsh')) {
      const check = spawnSync('zsh', ['-n'], { input: r.stdout, encoding: 'utf8' });
      expect(check.status, check.stderr).toBe(0);
    }
  });
});

describe('tidemark serve --open', () => {
  it("starts the platform's opener with the server's URL", async () => {
    if (process.platform !== 'linux') return;
    const bin = join(tmp.dir, 'bin');
    const record = join(tmp.dir, 'opened.txt');
    spawnSync('mkdir', ['-p', bin]);
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${record}"\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const proc = spawn(process.execPath, [BIN, 'serve', '--db', join(tmp.dir, 'open.db'), '--port', '0', '--open'], {
      cwd: tmp.dir,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: proc.stdout }).once('line', resolve);
        proc.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const url = /^listening on (http:\/\/\S+)$/.exec(line)?.[1];
      expect(url).toBeDefined();
      for (let i = 0; i < 100 && !existsSync(record); i++) await new Promise((r) => setTimeout(r, 50));
      expect(readFileSync(record, 'utf8')).toBe(`${url}\n`);
    } finally {
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
