import type { Command } from 'commander';
import type { ShowDefinition } from '../../actors/messages.ts';
import { type Env, intVar, kafkaShape, parseEnv } from '../../config/env.ts';
import { ensureTopics } from '../../kafka/admin.ts';
import { createKafka } from '../../kafka/client.ts';
import { ShowCatalog } from '../../kafka/show-catalog.ts';
import { publishShow } from '../../kafka/show-publisher.ts';
import { topicNames, topicSpecs } from '../../kafka/topics.ts';
import { createLogger } from '../../observability/logger.ts';
import { parseIntOption } from '../options.ts';

const showsShape = {
  ...kafkaShape,
  /** Hold TTL of shows created without `--hold-ttl-ms`. */
  HOLDFAST_HOLD_TTL_MS: intVar(1000, 86_400_000).default(600_000),
} as const;

/** Opens the shows catalog (read to its end), runs `work`, closes. Logs go to stderr. */
async function withCatalog<T>(
  env: Env,
  work: (catalog: ShowCatalog, ctx: ShowsContext) => Promise<T>,
): Promise<T> {
  const config = parseEnv(showsShape, env);
  const logger = createLogger({
    level: config.HOLDFAST_LOG_LEVEL === 'info' ? 'warn' : config.HOLDFAST_LOG_LEVEL,
    destinationFd: 2,
  });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'holdfast-cli', logger });
  const topics = topicNames(config.HOLDFAST_KAFKA_PREFIX);
  await ensureTopics(kafka, topicSpecs(topics, config.HOLDFAST_PARTITIONS));
  const catalog = await ShowCatalog.start({
    kafka,
    topic: topics.shows,
    groupPrefix: config.HOLDFAST_KAFKA_PREFIX,
    logger,
  });
  try {
    return await work(catalog, {
      kafka,
      topic: topics.shows,
      defaultHoldTtlMs: config.HOLDFAST_HOLD_TTL_MS,
    });
  } finally {
    await catalog.stop();
  }
}

interface ShowsContext {
  kafka: ReturnType<typeof createKafka>;
  topic: string;
  defaultHoldTtlMs: number;
}

function describeShow(show: ShowDefinition): string {
  return `${show.showId}\t${show.rows} rows × ${show.seatsPerRow} seats (${show.rows * show.seatsPerRow})\thold TTL ${show.holdTtlMs} ms`;
}

export function registerShowsCommand(program: Command): void {
  const shows = program
    .command('shows')
    .description('Create and list shows (immutable: layout and hold TTL are fixed at creation).');

  shows
    .command('create')
    .description(
      'Create a show on the shows topic. Rows are labelled A, B, …; seats numbered from 1.',
    )
    .argument('<showId>', '1–64 characters of [A-Za-z0-9_-]')
    .requiredOption('--rows <n>', 'number of rows (1–702)', parseIntOption('--rows', 1, 702))
    .requiredOption(
      '--seats-per-row <n>',
      'seats in each row (1–9999)',
      parseIntOption('--seats-per-row', 1, 9999),
    )
    .option(
      '--hold-ttl-ms <ms>',
      'how long a hold lasts (default: HOLDFAST_HOLD_TTL_MS, else 600000)',
      parseIntOption('--hold-ttl-ms', 1000, 86_400_000),
    )
    .option('--json', 'print the created show as JSON')
    .action(
      async (
        showId: string,
        options: { rows: number; seatsPerRow: number; holdTtlMs?: number; json?: boolean },
      ) => {
        await withCatalog(process.env, async (catalog, ctx) => {
          const show: ShowDefinition = {
            showId,
            rows: options.rows,
            seatsPerRow: options.seatsPerRow,
            holdTtlMs: options.holdTtlMs ?? ctx.defaultHoldTtlMs,
            createdAt: Date.now(),
          };
          await publishShow(ctx.kafka, ctx.topic, catalog, show);
          process.stdout.write(
            options.json ? `${JSON.stringify(show)}\n` : `created ${describeShow(show)}\n`,
          );
        });
      },
    );

  shows
    .command('list')
    .description('List every show.')
    .option('--json', 'print a JSON array')
    .action(async (options: { json?: boolean }) => {
      await withCatalog(process.env, async (catalog) => {
        const all = catalog.list().sort((a, b) => a.showId.localeCompare(b.showId));
        if (options.json) process.stdout.write(`${JSON.stringify(all)}\n`);
        else if (all.length === 0)
          process.stdout.write('no shows yet: create one with `holdfast shows create`\n');
        else for (const show of all) process.stdout.write(`${describeShow(show)}\n`);
      });
    });
}
