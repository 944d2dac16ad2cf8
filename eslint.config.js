import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const globals = {
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setInterval: 'readonly',
  clearInterval: 'readonly',
  setImmediate: 'readonly',
  clearImmediate: 'readonly',
  performance: 'readonly',
  URL: 'readonly',
  AbortController: 'readonly',
  fetch: 'readonly',
  document: 'readonly',
  window: 'readonly',
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/out/**',
      'bench/results/**',
      'bench/.runs/**',
      '**/*.d.ts',
      'packs/**',
    ],
  },
  js.configs.recommended,
  { languageOptions: { globals } },
  // TypeScript is linted with its types: a promise left floating or passed where a callback's
  // result is ignored is an error, unless `void` says it is meant.
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: [
          './tsconfig.check.json',
          './packages/*/tsconfig.json',
          './plugins/*/tsconfig.json',
          './examples/*/tsconfig.json',
          './packages/host/src/http/dashboard/browser/tsconfig.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Record values are turned into text on purpose (labels, templates, dead letters).
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  // The dashboard's browser script is served to the browser as it is compiled, without a bundler:
  // it may import only its own modules, never Node's or a package.
  {
    files: ['packages/host/src/http/dashboard/browser/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!\\./)', message: 'The browser loads only ./name.js modules of this folder.' },
          ],
        },
      ],
    },
  },
  // Tests read parsed JSON and fixtures freely; the type checker's unsafe-any rules only add noise there.
  {
    files: ['**/test/**/*.ts', 'tests/**/*.ts', 'vitest.config.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/await-thenable': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/vitest.config.ts'], extends: [tseslint.configs.disableTypeChecked] },
);
