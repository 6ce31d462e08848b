#!/usr/bin/env node
// The `tidemark` command: runs the compiled CLI in dist/ (built by `npm run build`, which `npm install`
// runs in a checkout through `prepare`; an installed package ships it). See docs/cli.md.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'tidemark: the CLI is not built (dist/cli.js is missing): run `npm run build` in the package first\n',
  );
  process.exit(1);
}
const { main } = await import(cli.href);
await main(process.argv);
