/**
 * Vite build of the renderer (the React admin app). Root is renderer/, output dist/renderer, and
 * `base: './'` so the same build loads from file:// inside Electron and from `/` when
 * `tidemark serve` serves it. The renderer imports only pure src-core files (model, pure diff
 * parsers), which Vite bundles from the repository root.
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
  server: {
    port: 5173,
    strictPort: false,
    // `npm run dev:renderer` proxies the API to a `tidemark serve` on the default port.
    proxy: { '/v1': process.env.TIDEMARK_URL ?? 'http://127.0.0.1:4180' },
  },
});
