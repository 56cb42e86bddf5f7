/**
 * Right after topics are created, a broker can answer "not the leader" to offset requests
 * for a moment, and kafkajs does not retry that for an admin's `fetchTopicOffsets`. A
 * process that just created its topics waits here until every topic answers.
 */
import type { Admin } from 'kafkajs';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';

export async function waitForTopicOffsets(
  admin: Admin,
  topics: readonly string[],
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      for (const topic of topics) await admin.fetchTopicOffsets(topic);
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new HoldfastError(
          ERROR_CODES.INFRA_NOT_READY,
          `topics ${topics.join(', ')} have no answering leader after ${timeoutMs} ms`,
          { cause: error, retriable: true, context: { topics } },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 1000)));
    }
  }
}
