import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** The core must run anywhere (Node worker, Electron utility process, browser Web Worker). */
const environmentBound = {
  patterns: [
    { group: ['node:*'], message: 'src/ is environment-free: Node built-ins belong in electron/ or cli/.' },
    { group: ['electron', 'electron/*'], message: 'src/ is environment-free: Electron belongs in electron/.' },
    { group: ['react', 'react-dom', 'react-dom/*', '@xyflow/*', 'zustand', 'zustand/*'], message: 'src/ is environment-free: UI code belongs in renderer/.' },
  ],
  paths: ['fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'url', 'util', 'stream'].map((name) => ({
    name,
    message: 'src/ is environment-free: Node built-ins belong in electron/ or cli/.',
  })),
};

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'test-results/', 'playwright-report/', '.scratch/', 'bench-results/', 'assets/', '**/*.py'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', environmentBound],
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'localStorage', 'navigator', 'process', 'require', 'Buffer', '__dirname'].map((name) => ({
          name,
          message: 'src/ is environment-free: receive what you need from the host instead.',
        })),
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      // The two classic rules: hooks called unconditionally, and effect dependencies complete.
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['node:*', 'electron', 'electron/*'], message: 'The renderer has no Node: reach the outside through the Host bridge.' }],
        },
      ],
    },
  },
  {
    files: ['node/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*', 'react', 'react-dom', '@xyflow/*', 'zustand'],
              message: 'node/ is plain Node shared by cli/ and electron/: no Electron or UI.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}', 'scripts/**', 'bin/**'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', module: 'writable', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
  {
    // CommonJS files Node starts as they stand (a worker_threads file cannot be an ES module bundle).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', __dirname: 'readonly', __filename: 'readonly', global: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
