// ESLint (flat config): the recommended rules, with each folder's globals. No stylistic rules.
import js from '@eslint/js';
import globals from 'globals';

export default [
  {
    // Generated: the builds, the edge bundle (api/_mphb_edge.js); supabase/ is Deno's (TypeScript, its own bundle).
    ignores: ['node_modules/**', 'build/**', 'dist/**', 'test-artifacts/**', '.mphb-data/**', '.vercel/**', 'supabase/**', 'api/_mphb_edge.js'],
  },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      // `const { omitted, ...rest } = o` leaves a property out on purpose.
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // The core's wrapper and the preview driver run in Node, workers and pages alike.
    files: ['js/**/*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // The preview page's Web Worker.
    files: ['host/http/preview_worker.js'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
  },
  {
    files: ['tests/**/*.js', 'tests/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
  },
  {
    // Code these run inside Chromium pages (page.evaluate / addInitScript callbacks).
    files: ['tests/js/*_browser.test.js', 'bench/preview_speed.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.jest, ...globals.browser } },
  },
];
