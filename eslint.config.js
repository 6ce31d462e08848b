// ESLint flat config: type-aware typescript-eslint, plus the layering rules of DESIGN.md
// (src-core imports no UI or Electron code; the renderer imports no Node, Electron or engine code
// beyond the pure model; only the preload touches ipcRenderer).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const APP_LAYERS = [
  { group: ['electron', 'electron/*'], message: 'src-core must not import Electron.' },
  {
    group: ['react', 'react-dom', 'react/*', 'react-dom/*', '@tanstack/react-*'],
    message: 'src-core must not import React.',
  },
  {
    group: ['**/renderer', '**/renderer/**', '**/electron', '**/electron/**'],
    message: 'src-core must not import app layers.',
  },
];

/** Each src-core layer, the layers above it (which it must not import), and whether it may use node:*. */
const LAYERS = [
  { dir: 'model', above: ['wire', 'store', 'diff', 'export', 'services', 'server', 'cli', 'entry'], node: false },
  { dir: 'wire', above: ['store', 'diff', 'export', 'services', 'server', 'cli', 'entry'], node: false },
  { dir: 'store', above: ['diff', 'export', 'services', 'server', 'cli', 'entry'], node: true },
  { dir: 'export', above: ['services', 'server', 'cli', 'entry'], node: false },
  { dir: 'diff', above: ['services', 'server', 'cli', 'entry'], node: true },
  { dir: 'services', above: ['server', 'cli', 'entry'], node: true },
  { dir: 'server', above: ['cli', 'entry'], node: true },
];

function srcCoreLayers() {
  const configs = [
    { files: ['src-core/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: APP_LAYERS }] } },
  ];
  for (const { dir, above, node } of LAYERS) {
    const patterns = [
      ...APP_LAYERS,
      ...above.map((layer) => ({
        group: [`../${layer}`, `../${layer}/**`, `../../${layer}`, `../../${layer}/**`],
        message: `src-core/${dir} sits below src-core/${layer} and must not import it (docs/architecture.md).`,
      })),
    ];
    if (!node)
      patterns.push({ group: ['node:*'], message: `src-core/${dir} runs in the renderer too: no node:* imports.` });
    configs.push({
      files: [`src-core/${dir}/**/*.ts`],
      ignores: ['**/*.test.ts'],
      rules: { 'no-restricted-imports': ['error', { patterns }] },
    });
  }
  return configs;
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'dist-electron/**',
      'release/**',
      'coverage/**',
      'test-results/**',
      'playwright-report/**',
      'bin/**',
      '*.config.js',
      '*.config.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.node.json', './tsconfig.web.json', './tsconfig.e2e.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  // src-core imports no UI or Electron code, and its layers import only the layers below them
  // (docs/architecture.md): model <- wire <- store <- diff, export <- services <- server, cli.
  // model, wire and export also import no node:* module, so the renderer can use them.
  ...srcCoreLayers(),
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*', 'node:*', 'better-sqlite3', 'pg'],
              message: 'The renderer runs in a browser sandbox.',
            },
            { group: ['**/electron/**'], message: 'The renderer talks only to the StoreApi bridge.' },
            {
              group: ['**/src-core/store/**', '**/src-core/services/**', '**/src-core/server/**', '**/src-core/cli/**'],
              message: 'The renderer may import only the pure src-core layers: model, wire, export and diff types.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/preload.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportSpecifier[imported.name='ipcRenderer']",
          message: 'Only electron/preload.ts may use ipcRenderer.',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Plain-JavaScript build scripts (scripts/*.mjs) run by node directly: no TS project to type-check them.
    files: ['scripts/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { console: 'readonly', process: 'readonly' },
    },
  },
);
