// ESLint flat config. The rule groups mirror the spec's ruff selection (5-2):
// E/W/F (errors, unused code), I (import order), B and ASYNC (bug-prone patterns, promises),
// UP (modern syntax), PERF and C4 (performance, simplification), RUF (misc).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const BROAD_CATCH =
  'A catch that never rethrows swallows every error. Handle what you expect (isTransient, DataError) and rethrow the rest; only top-level handlers may catch everything.';

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', 'data/**', 'test-artifacts/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'simple-import-sort': simpleImportSort },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // I: import order
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      // F: unused code
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // ASYNC
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/promise-function-async': 'error',
      'no-promise-executor-return': 'error',
      // B: bug-prone
      eqeqeq: ['error', 'always'],
      'no-constant-binary-expression': 'error',
      'no-self-compare': 'error',
      'no-template-curly-in-string': 'error',
      'no-unmodified-loop-condition': 'error',
      'no-unreachable-loop': 'error',
      'require-atomic-updates': 'off',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      'no-restricted-syntax': [
        'error',
        { selector: 'CatchClause:not(:has(ThrowStatement))', message: BROAD_CATCH },
        { selector: 'TSEnumDeclaration', message: 'Use a union of string literals instead of an enum.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment only in the config module.' },
      ],
      // UP: modern syntax
      'no-var': 'error',
      'prefer-const': 'error',
      'object-shorthand': 'error',
      'prefer-template': 'error',
      'prefer-arrow-callback': 'error',
      'prefer-rest-params': 'error',
      'prefer-spread': 'error',
      'prefer-object-spread': 'error',
      'prefer-exponentiation-operator': 'error',
      'logical-assignment-operators': 'error',
      '@typescript-eslint/prefer-nullish-coalescing': 'error',
      '@typescript-eslint/prefer-optional-chain': 'error',
      // PERF and C4: performance, simplification
      '@typescript-eslint/prefer-for-of': 'error',
      '@typescript-eslint/prefer-includes': 'error',
      '@typescript-eslint/prefer-string-starts-ends-with': 'error',
      '@typescript-eslint/prefer-find': 'error',
      '@typescript-eslint/prefer-regexp-exec': 'error',
      'no-useless-concat': 'error',
      'no-useless-return': 'error',
      'no-lonely-if': 'error',
      'no-else-return': 'error',
      'no-unneeded-ternary': 'error',
      'no-useless-rename': 'error',
      'no-useless-computed-key': 'error',
      'prefer-destructuring': ['error', { object: true, array: false }],
      'no-console': 'error',
    },
  },
  {
    // The config module is the one place that reads the environment.
    files: [
      'shared/platform/src/config/**/*.ts',
      'scripts/**/*.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
      'shared/testkit/**/*.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Top-level handlers: the only places allowed to catch everything.
    files: [
      'shared/platform/src/errors/top-level-handler.ts',
      'shared/platform/src/lifecycle/**/*.ts',
      'shared/runtime/src/**/*.ts',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Command-line tools and scripts talk to the terminal.
    files: ['scripts/**/*.ts', 'bench/**/*.ts', '**/cli.ts', 'test/**/*.ts', 'shared/testkit/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests (the ruff override for tests/*): unused setup values, chai expressions, non-null assertions.
    // infra/smoke and infra/testing are test harnesses too (the deploy smoke, the program under mocks).
    files: [
      '**/*.test.ts',
      'test/**/*.ts',
      'shared/testkit/**/*.ts',
      'bench/**/*.ts',
      'infra/smoke/**/*.ts',
      'infra/testing/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unnecessary-condition': 'off',
      'no-promise-executor-return': 'off',
      'no-unmodified-loop-condition': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-unused-vars': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [] }],
      'no-restricted-properties': 'off',
      'no-restricted-syntax': 'off',
      'no-console': 'off',
      'prefer-destructuring': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
