#!/usr/bin/env node
// The `tidemark` command: runs the compiled CLI in dist/ (built by `npm run build`, which `npm install`
// runs in a checkout through `prepare`; an installed package ships it). See docs/cli.md. `serve` is
// re-executed in a node with a larger young generation first (serve-node.mjs, docs/http.md).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { reexecFlags, runReexecuted, watchParent } from './serve-node.mjs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'tidemark: the CLI is not built (dist/cli.js is missing): run `npm run build` in the package first\n',
  );
  process.exit(1);
}
watchParent(process.env);
const args = process.argv.slice(2);
const { flags, warning } = reexecFlags(args, process.env, process.execArgv, process.platform);
if (warning !== null) process.stderr.write(warning + '\n');
if (flags !== null) await runReexecuted(fileURLToPath(import.meta.url), args, flags);
const { main } = await import(cli.href);
await main(process.argv);
