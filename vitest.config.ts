import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The suite's own Kafka and Redis (or KAFKA_BROKERS / REDIS_URL): see the file.
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two cores: integration files share one broker; more workers only queue on it.
    maxWorkers: 2,
  },
});
