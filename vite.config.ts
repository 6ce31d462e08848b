/**
 * Vite build of the renderer (the React admin app). Root is renderer/, output dist/renderer, and
 * `base: './'` so the same build loads from file:// inside Electron and from `/` when
 * `tidemark serve` serves it. The renderer imports only pure src-core files (model, pure diff
 * parsers), which Vite bundles from the repository root. The favicon is the app icon: build/icon.svg
 * (the one source of every icon) as favicon.svg and build/icon.ico (made from it by
 * scripts/icons.mjs) as favicon.ico, emitted into the build and served by the dev server.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('./renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));

const FAVICONS: Record<string, { file: string; type: string }> = {
  'favicon.svg': { file: fileURLToPath(new URL('./build/icon.svg', import.meta.url)), type: 'image/svg+xml' },
  'favicon.ico': { file: fileURLToPath(new URL('./build/icon.ico', import.meta.url)), type: 'image/x-icon' },
};

function favicons(): Plugin {
  return {
    name: 'tidemark-favicons',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const icon = FAVICONS[(req.url ?? '').split('?', 1)[0]!.replace(/^\//, '')];
        if (!icon) return next();
        res.setHeader('content-type', icon.type);
        res.end(readFileSync(icon.file));
      });
    },
    generateBundle() {
      for (const [fileName, icon] of Object.entries(FAVICONS)) {
        this.emitFile({ type: 'asset', fileName, source: readFileSync(icon.file) });
      }
    },
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [react(), favicons()],
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
