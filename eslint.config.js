// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'coverage/**', 'web/dist/**', 'web/src/api/schema.d.ts', 'tests/web/screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The workflow sandbox cannot load Node built-ins, and anything nondeterministic
    // breaks replay, so workflow code may only import the SDK and its own modules.
    files: ['workflows/**/*.ts', 'bench/**/*.workflow.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Workflow code runs in a sandbox without Node built-ins.' },
            {
              group: ['fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'process', 'url', 'util', 'events', 'stream', 'buffer', 'timers'],
              message: 'Workflow code runs in a sandbox without Node built-ins.',
            },
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'pg', 'kysely', 'fastify'], message: 'Workflows reach the outside world only through activities.' },
          ],
        },
      ],
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
