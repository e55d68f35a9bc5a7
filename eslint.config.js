// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import { builtinModules } from 'node:module';

// Code that must be deterministic: workflow code (replayed by Temporal), the pure dashboard core and
// the cross-process contract (both run inside workflows). Time, randomness, timers and I/O come only from Temporal
// APIs or arguments.
const deterministic = {
  'no-restricted-imports': [
    'error',
    {
      paths: builtinModules
        .flatMap((m) => [m, `node:${m}`])
        .map((name) => ({
          name,
          message: 'Node built-ins are not allowed in deterministic code.',
        })),
      patterns: [
        {
          group: ['**/adapters/**', '**/api/**', '**/workers/**'],
          message: 'Deterministic code never imports adapters, api or workers.',
        },
      ],
    },
  ],
  'no-restricted-globals': [
    'error',
    ...[
      'setInterval',
      'setImmediate',
      'clearInterval',
      'clearImmediate',
      'process',
      'fetch',
      'crypto',
      'performance',
      'Buffer',
      'require',
      'queueMicrotask',
    ].map((name) => ({ name, message: `${name} is non-deterministic or does I/O; use Temporal APIs or pass it in.` })),
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: 'Randomness comes from Temporal (uuid4) or an argument.' },
    { object: 'Date', property: 'now', message: 'Time comes from Temporal or an argument.' },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: 'Time comes from Temporal or an argument.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', '.stack/', 'coverage/', 'dist/', 'web/dist/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', '.*.cjs', 'stack/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Prettier keeps code within 120 columns; this catches what it does not wrap (comments).
      'max-len': [
        'error',
        { code: 120, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts', 'dashboard/**/*.ts', 'contract/**/*.ts'],
    ignores: ['dashboard/schemas/generate.ts'],
    languageOptions: { globals: {} },
    rules: deterministic,
  },
  // The web client runs in browsers: their globals, not Node's, and React's rules of hooks.
  {
    files: ['web/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
