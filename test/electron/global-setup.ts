/**
 * Global setup of the Electron e2e suite: when Electron can start, build what `electron .` loads
 * (dist/renderer and dist-electron); when it cannot, say why, once, on the console — every test is
 * then skipped with the same reason and the run exits 0.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { electronEnv, root } from './electron-env';

export default function globalSetup(): void {
  const env = electronEnv();
  if (!env.available) {
    console.log(`[electron e2e] SKIPPING every test: ${env.reason}`);
    return;
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['run', 'build:renderer'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(root, 'scripts/build-electron.mjs')], { cwd: root, stdio: 'inherit' });
}
