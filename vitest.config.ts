import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two cores: integration files share one broker; more workers only queue on it.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        // No services: runs without starting Kafka or Redis.
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [
            'tests/integration/**/*.test.ts',
            'tests/e2e/**/*.test.ts',
            'tests/chaos/**/*.test.ts',
          ],
          // The suite's own Kafka and Redis (or KAFKA_BROKERS / REDIS_URL): see the file.
          globalSetup: ['tests/support/global-setup.ts'],
        },
      },
    ],
  },
});
