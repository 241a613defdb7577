// ESLint flat config. Type-aware: the rules that need types are the ones that
// catch real bugs in an agent built on promises and callbacks (a promise
// nobody awaits loses its error; an async callback where a sync one is
// expected loses it too). See docs/lint-and-format.md for why each rule is on.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.cache/**',
      '.tap/**',
      'run/**',
      'tmp/**',
      'bench-results/**',
      'coverage/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Promise bugs: a rejected promise nobody handles ends the process under
      // Node's default policy, and an async function passed where void is
      // expected (an event handler, a timer) drops its rejection.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // tap queues a subtest and runs it in order whether or not the
          // caller awaits it; an unawaited t.test() is tap's documented idiom.
          allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/only-throw-error': [
        'error',
        {
          // The JSON parser's internal failure is a plain object on purpose: junk
          // input throws it per message, and an Error would capture a stack each time.
          allow: [{ from: 'file', name: 'ParseFailure', path: 'packages/core/src/protocol/json-parser.ts' }],
        },
      ],
      // Forwarding a caught `unknown` is fine; inventing a non-Error reason is not.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // Type-only imports are erased; with emitDecoratorMetadata the rule
      // leaves files with decorators alone (their parameter types become
      // runtime references), so injectables keep their metadata.
      // `typeof import('node-pty')` stays allowed: it types a lazily loaded module.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Fallthrough and switch exhaustiveness over the protocol's unions.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Tests read replies whose shape the test itself asserts next; `any` there
    // saves a cast per line and hides nothing the assertions would not catch.
    files: ['test/**/*.ts', 'packages/*/test/**/*.ts', 'examples/test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        AbortController: 'readonly',
      },
    },
  },
);
