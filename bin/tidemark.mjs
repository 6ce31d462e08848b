#!/usr/bin/env node
// The `tidemark` command. Runs the TypeScript sources through tsx's loader, so the CLI needs no
// build step (see README, "CLI").
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-core/cli/main.ts');
await main(process.argv);
