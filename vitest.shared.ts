import { defineConfig } from 'vitest/config';

// Tests run on TypeScript source: workspace packages resolve through the
// `@deepcourse/source` export condition instead of their built `dist`.
const conditions = ['@deepcourse/source', 'module', 'node', 'import', 'default'];

export const sharedConfig = defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: [] } },
  test: {
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
