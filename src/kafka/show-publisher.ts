/**
 * Creating a show: one record on the compacted `shows` topic. A show is immutable, so an
 * existing showId is refused; the check reads the catalog first (a race between two
 * creators of one showId is settled by readers keeping the first record).
 */
import type { Kafka } from 'kafkajs';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import { type ShowDefinition, ShowDefinitionSchema } from '../contract/shows.ts';
import { encodeShow } from './codec.ts';
import { createProducer } from './producer.ts';
import type { ShowLookup } from './show-catalog.ts';

export async function publishShow(
  kafka: Kafka,
  topic: string,
  catalog: ShowLookup,
  show: ShowDefinition,
): Promise<void> {
  const parsed = ShowDefinitionSchema.safeParse(show);
  if (!parsed.success) {
    throw new HoldfastError(ERROR_CODES.SHOW_INVALID, `invalid show: ${parsed.error.message}`);
  }
  if (catalog.get(show.showId)) {
    throw new HoldfastError(
      ERROR_CODES.SHOW_EXISTS,
      `show ${show.showId} exists already; shows are immutable, pick another showId`,
      { context: { showId: show.showId } },
    );
  }
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [encodeShow(parsed.data)] });
  } finally {
    await producer.disconnect();
  }
}
