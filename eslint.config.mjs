// Lint that catches Temporal bugs (after temporalio/sdk-typescript's config), a ban on Node
// built-ins, I/O and process.env in workflows/, which must stay deterministic, and the one import
// direction of ARCHITECTURE.md (LAYERS below).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

const NODE_BUILTINS = [
  'fs',
  'path',
  'os',
  'crypto',
  'http',
  'https',
  'net',
  'child_process',
  'worker_threads',
  'stream',
  'util',
  'events',
  'dns',
  'tls',
  'zlib',
  'process',
  'timers',
  'url',
  'buffer',
  'cluster',
  'readline',
  'v8',
  'vm',
];

// Imports go one way, bottom to top:
//   1. contracts: src/contracts/**, src/errors/codes.ts (pure types, limits, I/O-free validators)
//   2. workflows/: the process definition and the workflows (only layer 1 and @temporalio/workflow)
//   3. domain: every other src/ folder (db, mail, links, reports, users, opportunities, auth, ...)
//   4. edges: activities/ (the worker's) and src/api/ + src/web/ (HTTP), which do not import each other
//   5. bootstrap: src/bootstrap/, src/main.ts, src/cli/, src/demo/
// Each zone says which files a layer may not import. Tests and benchmarks sit above everything.
const EDGE_AND_UP = ['src/api', 'src/web', 'src/bootstrap', 'src/cli', 'src/demo', 'src/main.ts'];
const TOOLING = ['test', 'bench'];
const LAYERS = [
  {
    target: ['src/contracts/**', 'src/errors/codes.ts'],
    from: ['activities', 'workflows', ...TOOLING],
    message: 'Contracts are the bottom layer: they import only other contracts.',
  },
  {
    target: ['src/contracts/**', 'src/errors/codes.ts'],
    from: 'src',
    except: ['./contracts', './errors/codes.ts'],
    message: 'Contracts are the bottom layer: they import only other contracts.',
  },
  {
    target: 'workflows/**',
    from: ['activities', ...TOOLING],
    message: 'Workflows import only src/contracts, src/errors/codes and @temporalio/workflow.',
  },
  {
    target: 'workflows/**',
    from: 'src',
    except: ['./contracts', './errors/codes.ts'],
    message: 'Workflows import only src/contracts, src/errors/codes and @temporalio/workflow.',
  },
  {
    target: 'workflows/**',
    from: ['src/contracts/zod.ts', 'src/contracts/zod-fields.ts'],
    message: 'zod stays out of the workflow bundle: validate with the I/O-free helpers in src/contracts.',
  },
  {
    target: ['src/!(api|web|bootstrap|cli|demo|contracts)/**', 'src/logger.ts', 'src/paths.ts'],
    from: ['activities', ...EDGE_AND_UP, ...TOOLING],
    message: 'Domain code must not import activities/, the API, the web page or bootstrap.',
  },
  {
    target: 'activities/**',
    from: [...EDGE_AND_UP, ...TOOLING],
    message:
      'Activities must not import the API, the web page or bootstrap (move shared code into the domain).',
  },
  {
    target: ['src/api/**', 'src/web/**'],
    from: ['activities', 'src/bootstrap', 'src/cli', 'src/demo', 'src/main.ts', ...TOOLING],
    message: 'The API must not import activities/ or bootstrap (move shared code into the domain).',
  },
  {
    target: ['src/bootstrap/**', 'src/main.ts', 'src/cli/**', 'src/demo/**'],
    from: TOOLING,
    message: 'Production code must not import tests or benchmarks.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'data/**',
      '.tools/**',
      'src/generated/**',
      'coverage/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/ignore': ['node_modules'],
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      // Without a resolver that knows .ts, import-x rules (no-cycle, no-restricted-paths) see no
      // local import at all and pass silently.
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.json', '.node'] }),
      ],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: LAYERS }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'Use named re-exports, not export *.' },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NODE_BUILTINS.flatMap((m) => [m, `node:${m}`]).map((name) => ({
            name,
            message: 'Workflows must be deterministic: no Node built-ins.',
          })),
          patterns: [
            {
              group: [
                '@prisma/*',
                'pg',
                'nodemailer',
                'express',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
              ],
              message: 'No I/O in workflows.',
            },
            {
              group: ['zod', '@asteasolutions/*'],
              message: 'Keep zod out of the workflow bundle: use the checks in src/contracts/input-rules.ts.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'No process.env in workflows.' },
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'fetch', message: 'No I/O in workflows.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use uuid4() from @temporalio/workflow.' },
      ],
    },
  },
  {
    // Tests read JSON responses field by field; typing every body would add noise, not safety.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/contracts/activities.ts', 'src/errors/codes.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['*'], message: 'Shared with workflows: types and pure data only.' }] },
      ],
    },
  },
);
