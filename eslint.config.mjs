// @ts-check
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const nondeterminism = 'Determinism is a law: take time, randomness and timers from the kernel (ctx.now, ctx.random, ctx.sleep).';

export default defineConfig(
  { ignores: ['dist/**', '.astro/**', '.cache/**', 'bench-results/**', 'node_modules/**', 'public/**', '**/*.astro', 'content/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    // Pattern code and everything it runs on must be deterministic; only the kernel's own
    // files (and the worker's run loop, which paces real time) may touch the real clock.
    files: ['playgrounds/**/*.ts'],
    ignores: ['playgrounds/worker/**', 'playgrounds/cli.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: nondeterminism },
        { object: 'Date', property: 'now', message: nondeterminism },
        { object: 'performance', property: 'now', message: nondeterminism },
        { object: 'crypto', property: 'getRandomValues', message: nondeterminism },
        { object: 'crypto', property: 'randomUUID', message: nondeterminism },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: nondeterminism },
        { name: 'setInterval', message: nondeterminism },
        { name: 'setImmediate', message: nondeterminism },
        { name: 'performance', message: nondeterminism },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date']", message: nondeterminism },
        {
          selector:
            'TemplateLiteral > TemplateElement[value.raw=/\\b(now|random|clock_timestamp|gen_random_uuid|statement_timestamp|transaction_timestamp)\\s*\\(/i]',
          message: 'SQL must not read the real clock or randomness: pass the virtual time as a parameter.',
        },
        {
          selector: 'Literal[value=/\\b(now|random|clock_timestamp|gen_random_uuid|statement_timestamp|transaction_timestamp)\\s*\\(/i]',
          message: 'SQL must not read the real clock or randomness: pass the virtual time as a parameter.',
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', 'scripts/**'],
    ...tseslint.configs.disableTypeChecked,
  },
);
