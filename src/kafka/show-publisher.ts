/**
 * Creating a show: one record on the `shows` topic. A show is immutable and its first record
 * is its definition (docs/design.md §3.4), so creating one is: refuse a showId the catalog
 * knows already; otherwise append the record, read the topic back past it, and see whose
 * record came first. Two creators of one showId racing both append; the one whose record is
 * not the first is refused like any existing show, with the definition that won.
 */
import type { Kafka } from 'kafkajs';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import { type ShowDefinition, ShowDefinitionSchema } from '../contract/shows.ts';
import { encodeShow } from './codec.ts';
import { createProducer } from './producer.ts';
import type { ShowRecordPosition } from './show-catalog.ts';

/** What publishing needs of the show catalog (`ShowCatalog`). */
export interface ShowLog {
  get(showId: string): ShowDefinition | undefined;
  definedAt(showId: string): ShowRecordPosition | undefined;
  /** Resolves once every record logged before the call is read. */
  catchUp(): Promise<void>;
}

export async function publishShow(
  kafka: Kafka,
  topic: string,
  catalog: ShowLog,
  show: ShowDefinition,
): Promise<void> {
  const parsed = ShowDefinitionSchema.safeParse(show);
  if (!parsed.success) {
    throw new HoldfastError(ERROR_CODES.SHOW_INVALID, `invalid show: ${parsed.error.message}`);
  }
  const known = catalog.get(show.showId);
  if (known) throw showExists(known);
  const producer = createProducer(kafka);
  await producer.connect();
  let mine: ShowRecordPosition;
  try {
    const [appended] = await producer.send({
      topic,
      acks: -1,
      messages: [encodeShow(parsed.data)],
    });
    if (!appended?.baseOffset) throw new Error(`no offset for the record appended to ${topic}`);
    mine = { partition: appended.partition, offset: BigInt(appended.baseOffset) };
  } finally {
    await producer.disconnect();
  }
  await catalog.catchUp();
  const first = catalog.definedAt(show.showId);
  const winner = catalog.get(show.showId);
  if (!first || !winner) {
    throw new HoldfastError(
      ERROR_CODES.TIMEOUT,
      `show ${show.showId} was appended to ${topic} but not read back; run \`holdfast shows inspect ${show.showId}\` to see whether it exists`,
      { retriable: true, context: { showId: show.showId } },
    );
  }
  if (first.partition !== mine.partition || first.offset !== mine.offset) throw showExists(winner);
}

function showExists(existing: ShowDefinition): HoldfastError {
  return new HoldfastError(
    ERROR_CODES.SHOW_EXISTS,
    `show ${existing.showId} exists already (${existing.rows} rows × ${existing.seatsPerRow} seats, hold TTL ${existing.holdTtlMs} ms, created ${new Date(existing.createdAt).toISOString()}); shows are immutable, pick another showId`,
    { context: { showId: existing.showId, existing } },
  );
}
