import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // RETROVISOR_JIT=0|1 runs the suite with binary translation off or on (see the file).
    setupFiles: ['test/support/translation-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
