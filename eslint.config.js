// ESLint 9 flat config: recommended JS + typescript-eslint rules, formatting left to Prettier, and the
// architecture of STYLE.md enforced with no-restricted-imports (a lib is its index.ts; migrations import no lib).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const DEEP_LIB_IMPORT = {
  group: ['@rtpm/*/**'],
  message: 'Import a lib through its index only: `@rtpm/<lib>`. If something is missing there, add it to index.ts.',
};
const RELATIVE_INTO_LIB = {
  // ../../libs/config/src/app-config.js and the like: a path alias exists for every lib.
  regex: '(^|/)libs/[^/]+/src(/|$)',
  message: 'Do not reach into a lib with a relative path; import it as `@rtpm/<lib>`.',
};
const RELATIVE_INTO_OTHER_PROJECT = {
  // From inside one app or lib, climbing out into a sibling project's src (../../database/src/...).
  regex: '^(\\.\\./)+[^./][^/]*/src(/|$)',
  message: "Do not import another app's or lib's files; libs are imported as `@rtpm/<lib>`, apps not at all.",
};
const RELATIVE_INTO_APP = {
  regex: '(^|/)apps/[^/]+/src(/|$)',
  message: 'Dependencies point apps → libs: nothing outside test/ and bench/ imports an app.',
};
const ANY_LIB = {
  group: ['@rtpm/*', '@rtpm/*/**'],
  message: 'A migration is a frozen snapshot: write explicit SQL and import nothing from libs.',
};

const restrictImports = (...patterns) => ['error', { patterns }];

// A handful of Node globals for the plain .js/.mjs scripts (TypeScript files get them from @types/node).
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'URL', 'Buffer', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'].map((name) => [
    name,
    'readonly',
  ]),
);

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // CLI commands, entry points, scripts and the benchmark print to the console on purpose.
      'no-console': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Tests, the benchmark and tooling may import apps (to boot them) but still never a lib's internals.
      'no-restricted-imports': restrictImports(DEEP_LIB_IMPORT, RELATIVE_INTO_LIB),
    },
  },
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictImports(
        DEEP_LIB_IMPORT,
        RELATIVE_INTO_LIB,
        RELATIVE_INTO_APP,
        RELATIVE_INTO_OTHER_PROJECT,
      ),
    },
  },
  {
    files: ['migrations/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictImports(ANY_LIB, RELATIVE_INTO_LIB, RELATIVE_INTO_APP),
    },
  },
  {
    // Tests assert on arbitrary JSON response bodies (body.details[0].field); typing each one would be noise.
    // Application code keeps the rule.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: nodeGlobals },
  },
  // Last, so that it switches off every stylistic rule that would fight Prettier.
  prettier,
);
