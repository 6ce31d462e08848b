/**
 * CLI conventions that need no process: when progress bars are drawn (a terminal only, unless
 * forced), the browser opener each platform gets for `serve --open`, the URL a wildcard bind is
 * opened at, and that the completion scripts are built from the program's own command tree.
 */
import { describe, expect, it } from 'vitest';
import { bashScript, commandTree, completionScript, zshScript } from './completion';
import { buildProgram } from './main';
import { browserCommand } from './open-browser';
import { progressWanted } from './progress';
import { browserUrl } from './run/serve';

describe('progressWanted', () => {
  it('draws only into an interactive terminal unless a flag says otherwise', () => {
    expect(progressWanted(undefined, true, {})).toBe(true);
    expect(progressWanted(undefined, false, {})).toBe(false);
    expect(progressWanted(undefined, true, { TERM: 'dumb' })).toBe(false);
    expect(progressWanted(true, false, {})).toBe(true);
    expect(progressWanted(false, true, {})).toBe(false);
  });
});

describe('serve --open', () => {
  it('uses the platform opener, the URL one argument', () => {
    const url = 'http://127.0.0.1:4180';
    expect(browserCommand(url, 'linux')).toEqual({ command: 'xdg-open', args: [url] });
    expect(browserCommand(url, 'freebsd')).toEqual({ command: 'xdg-open', args: [url] });
    expect(browserCommand(url, 'darwin')).toEqual({ command: 'open', args: [url] });
    expect(browserCommand(`${url}/?a=1&b=2`, 'win32')).toEqual({
      command: 'cmd',
      args: ['/c', 'start', '""', `${url}/?a=1^&b=2`],
    });
  });

  it('refuses anything but an http(s) URL', () => {
    expect(() => browserCommand('file:///etc/passwd', 'linux')).toThrow(/not an http/);
    expect(() => browserCommand('--help', 'linux')).toThrow(/not an http/);
  });

  it('opens a wildcard bind through loopback', () => {
    expect(browserUrl('http://0.0.0.0:4180', '0.0.0.0')).toBe('http://127.0.0.1:4180');
    expect(browserUrl('http://[::]:4180', '::')).toBe('http://[::1]:4180');
    expect(browserUrl('http://127.0.0.1:4180', '127.0.0.1')).toBe('http://127.0.0.1:4180');
  });
});

describe('completion scripts', () => {
  const program = buildProgram();
  const tree = commandTree(program);

  it('are built from every command and its options', () => {
    expect(tree.map((c) => c.name)).toEqual(program.commands.map((c) => c.name()));
    const read = tree.find((c) => c.name === 'read')!;
    expect(read.options.map((o) => o.flag)).toEqual(expect.arrayContaining(['--topic', '--format', '--db', '--help']));
    expect(read.options.find((o) => o.flag === '--format')!.choices).toEqual(['ndjson', 'table']);
    expect(read.options.find((o) => o.flag === '--db')!.file).toBe(true);
    const zsh = zshScript(program);
    const bash = bashScript(program);
    for (const c of tree) {
      expect(zsh).toContain(`    ${c.name}) _arguments `);
      expect(bash).toContain(`    ${c.name})\n`);
    }
    expect(zsh).toContain("'--format[snapshot format (default\\: from the file extension)]:value:(csv json ndjson)'");
  });

  it('refuse an unknown shell', () => {
    expect(() => completionScript(program, 'fish')).toThrow(/use bash or zsh/);
  });
});
