// Lint: typescript-eslint's parser with one rule for now, no `any` (Prettier does the formatting).
// Covers every TypeScript file of the repository (and the .js config files).
import tseslint from 'typescript-eslint';

export default tseslint.config({
  files: ['**/*.ts', '**/*.js'],
  ignores: [
    'node_modules/**',
    // Migrations are typed on Kysely<any>: frozen files, written against the schema of their day.
    'subgraphs/*/migrations/**',
  ],
  languageOptions: { parser: tseslint.parser },
  plugins: { '@typescript-eslint': tseslint.plugin },
  rules: { '@typescript-eslint/no-explicit-any': 'error' },
});
