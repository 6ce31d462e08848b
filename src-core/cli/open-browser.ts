/**
 * `tidemark serve --open`: opens the server's URL in the default browser with the platform's own
 * opener (`xdg-open` on Linux and the BSDs, `open` on macOS, `cmd /c start` on Windows), started
 * detached so the server never waits for it. A machine without a browser or opener only gets a
 * line on stderr saying so (with the URL to open by hand); the server keeps running.
 */
import { spawn } from 'node:child_process';

export interface OpenCommand {
  command: string;
  args: string[];
}

/** The command that opens `url` in the default browser on `platform` (process.platform's values). */
export function browserCommand(url: string, platform: NodeJS.Platform = process.platform): OpenCommand {
  if (!/^https?:\/\//.test(url)) throw new Error(`not an http(s) URL: ${url}`);
  if (platform === 'darwin') return { command: 'open', args: [url] };
  // `start` is a cmd built-in; its first quoted argument is the window title, hence the "".
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url.replace(/&/g, '^&')] };
  return { command: 'xdg-open', args: [url] };
}

/** Starts the browser on `url`; reports a failure on stderr and never throws. */
export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const { command, args } = browserCommand(url, platform);
  const fail = (why: string): void => {
    process.stderr.write(`tidemark: could not open a browser (${why}); open ${url} yourself\n`);
  };
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: 'ignore',
      windowsVerbatimArguments: platform === 'win32',
    });
    child.once('error', (err) => fail(`${command}: ${err.message}`));
    child.once('exit', (code) => {
      if (code !== 0 && code !== null) fail(`${command} exited with ${code}`);
    });
    child.unref();
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
}
