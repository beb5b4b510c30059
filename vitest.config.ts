import { defineConfig } from 'vitest/config';

/**
 * Two tiers, run by `npm test` in this order: `unit` (in-process, seconds each) and `integration`
 * (spawns the CLI, Python, PyTorch, onnxruntime or electron-builder, or trains whole examples).
 * `npx vitest run` runs both; `--project unit` runs the fast tier alone.
 */
export default defineConfig({
  test: {
    environment: 'node',
    // tf.js work is CPU-bound and the machine has 2 cores: more workers only thrash.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
    ],
  },
});
