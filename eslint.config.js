// ESLint flat config: type-aware typescript-eslint, plus the layering rules of DESIGN.md
// (src-core imports no UI or Electron code; the renderer imports no Node, Electron or engine code
// beyond the pure model; only the preload touches ipcRenderer).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

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
  {
    files: ['src-core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'src-core must not import Electron.' },
            {
              group: ['react', 'react-dom', 'react/*', 'react-dom/*', '@tanstack/react-*'],
              message: 'src-core must not import React.',
            },
            {
              group: ['**/renderer', '**/renderer/**', '**/electron', '**/electron/**'],
              message: 'src-core must not import app layers.',
            },
          ],
        },
      ],
    },
  },
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
              group: ['**/src-core/store/**', '**/src-core/server/**', '**/src-core/cli/**'],
              message: 'The renderer may import only the pure src-core/model and src-core/diff shared types.',
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
