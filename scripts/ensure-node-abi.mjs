// Makes sure node_modules/better-sqlite3 is built for THIS Node (the tests, the CLI and the server
// load it). Something that rebuilt it for Electron in place (e.g. electron-builder's npmRebuild
// during `npm run dist`, or a manual `electron-builder install-app-deps`) would otherwise make
// every test fail with "NODE_MODULE_VERSION" errors. Runs before `npm test`; cheap when all is well.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function loads() {
  try {
    const Database = require('better-sqlite3');
    new Database(':memory:').close();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const problem = loads();
if (problem === null) process.exit(0);
if (
  !/NODE_MODULE_VERSION|was compiled against a different Node\.js version|invalid ELF header|not a valid Win32/i.test(
    problem,
  )
) {
  console.error(`better-sqlite3 does not load: ${problem}`);
  process.exit(1);
}
console.error('better-sqlite3 is built for another runtime (Electron?); rebuilding it for Node...');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
execFileSync(npm, ['rebuild', 'better-sqlite3'], { stdio: 'inherit' });
delete require.cache[require.resolve('better-sqlite3')];
console.error('better-sqlite3 rebuilt for Node.');
