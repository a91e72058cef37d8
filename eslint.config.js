import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

export default tseslint.config(
  {
    // The bundle, installs (the Node 24 binary for CI included), build and coverage output.
    ignores: ['dist/', '**/node_modules/', '.ci/node24/', 'coverage/', 'build/']
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Everything else (tests, scripts, config files) is linted too, without type information.
    files: ['**/*.{js,mjs,cjs,ts,mts,cts}'],
    languageOptions: { globals: { ...globals.node } }
  },
  {
    // Type-aware rules where the shipped code lives.
    files: ['src/**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname }
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/explicit-function-return-type': ['error', { allowExpressions: true }]
    }
  }
)
