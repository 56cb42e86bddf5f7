import type { Command } from 'commander';
import { loadShowsConfig, type ShowsConfig } from '../../config/commands.ts';
import type { Env } from '../../config/env.ts';
import { ERROR_CODES, HoldfastError } from '../../contract/errors.ts';
import type { ShowStats } from '../../contract/seat-views.ts';
import type { ShowDefinition } from '../../contract/shows.ts';
import { connectConfiguredKafka } from '../../kafka/access.ts';
import { ensureTopics } from '../../kafka/admin.ts';
import type { KafkaClient } from '../../kafka/client.ts';
import { ShowCatalog } from '../../kafka/show-catalog.ts';
import { publishShow } from '../../kafka/show-publisher.ts';
import { topicNames, topicSpecs } from '../../kafka/topics.ts';
import { createLogger } from '../../observability/logger.ts';
import { RedisReadModel } from '../../state/read-model-redis.ts';
import { createRedis, redisReady } from '../../state/redis.ts';
import { parseIntOption } from '../options.ts';
import { kafkaClientHelp, kafkaSecurityHelp, redisSecurityHelp } from './security-help.ts';

/** Opens the shows catalog (read to its end), runs `work`, closes. Logs go to stderr. */
async function withCatalog<T>(
  env: Env,
  work: (catalog: ShowCatalog, ctx: ShowsContext) => Promise<T>,
): Promise<T> {
  const config = loadShowsConfig(env);
  const logger = createLogger({
    level: config.logLevel === 'info' ? 'warn' : config.logLevel,
    destinationFd: 2,
  });
  const kafka = await connectConfiguredKafka(config, 'holdfast-cli', logger);
  const topics = topicNames(config.kafkaPrefix);
  await ensureTopics(kafka, topicSpecs(topics, config.partitions), logger);
  const catalog = await ShowCatalog.start({
    kafka,
    topic: topics.shows,
    groupPrefix: config.kafkaPrefix,
    logger,
  });
  try {
    return await work(catalog, { kafka, topic: topics.shows, config });
  } finally {
    await catalog.stop();
  }
}

interface ShowsContext {
  kafka: KafkaClient;
  topic: string;
  config: ShowsConfig;
}

/** Every seat is served in a join's map: a new show's size is bounded (older ones still load). */
function checkSeatCount(rows: number, seatsPerRow: number, max: number): void {
  if (rows * seatsPerRow <= max) return;
  throw new HoldfastError(
    ERROR_CODES.SHOW_TOO_LARGE,
    `${rows} rows × ${seatsPerRow} seats = ${rows * seatsPerRow} seats, more than HOLDFAST_MAX_SHOW_SEATS (${max}): make the show smaller, or raise HOLDFAST_MAX_SHOW_SEATS if the gateways can serve maps that large`,
  );
}

/** Seat counts from the read model, or undefined without REDIS_URL. */
async function readStats(
  config: ShowsConfig,
  show: ShowDefinition,
): Promise<ShowStats | undefined> {
  const address = config.readModel;
  if (!address) return undefined;
  const redis = createRedis({
    url: address.redisUrl,
    tls: address.redisTls,
    name: 'holdfast-cli',
    offlineQueue: true,
  });
  try {
    await redisReady(redis, address.redisUrl);
    const readModel = new RedisReadModel({
      redis,
      prefix: address.redisPrefix,
      eventsTopic: topicNames(config.kafkaPrefix).events,
    });
    return await readModel.readStats(show);
  } finally {
    redis.disconnect();
  }
}

function describeShow(show: ShowDefinition): string {
  return `${show.showId}\t${show.rows} rows × ${show.seatsPerRow} seats (${show.rows * show.seatsPerRow})\thold TTL ${show.holdTtlMs} ms`;
}

export function registerShowsCommand(program: Command): void {
  const shows = program
    .command('shows')
    .description('Create and list shows (immutable: layout and hold TTL are fixed at creation).')
    .addHelpText(
      'after',
      `
Configuration (environment):
  KAFKA_BROKERS          host:port[,host:port] (required)
  HOLDFAST_KAFKA_PREFIX  prefix of the topics (default empty)
  HOLDFAST_PARTITIONS    partitions of the topics when they are created (default 12)
  HOLDFAST_HOLD_TTL_MS   hold TTL of shows created without --hold-ttl-ms (default 600000)
  HOLDFAST_MAX_SHOW_SEATS
                         most seats a new show may have; create only (default 100000)
${kafkaSecurityHelp()}
${kafkaClientHelp()}
  REDIS_URL              redis[s]://[user:password@]host:port: with it, inspect and list add seat counts
${redisSecurityHelp()}
  HOLDFAST_REDIS_PREFIX  prefix of the Redis keys (default holdfast)
  HOLDFAST_LOG_LEVEL     logs go to stderr; info shows only warnings (default info)`,
    );

  shows
    .command('create')
    .description(
      'Create a show on the shows topic. Rows are labelled A, B, …; seats numbered from 1. ' +
        'A showId that exists already, or that another creator appended first, is refused ' +
        '(exit 1, HF_SHOW_EXISTS, with the existing definition).',
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
          checkSeatCount(options.rows, options.seatsPerRow, ctx.config.maxShowSeats);
          const show: ShowDefinition = {
            showId,
            rows: options.rows,
            seatsPerRow: options.seatsPerRow,
            holdTtlMs: options.holdTtlMs ?? ctx.config.defaultHoldTtlMs,
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
    .command('inspect')
    .description(
      'Show one show: its layout and hold TTL, and (with REDIS_URL) its seat counts from the live seat map.',
    )
    .argument('<showId>')
    .option('--json', 'print { show, stats } as JSON')
    .action(async (showId: string, options: { json?: boolean }) => {
      await withCatalog(process.env, async (catalog, { config }) => {
        const show = catalog.get(showId);
        if (!show) {
          throw new HoldfastError(
            ERROR_CODES.USAGE,
            `no show "${showId}": \`holdfast shows list\` lists them`,
          );
        }
        const stats = await readStats(config, show);
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ show, stats: stats ?? null })}\n`);
          return;
        }
        process.stdout.write(
          `${describeShow(show)}\ncreated ${new Date(show.createdAt).toISOString()}\n`,
        );
        process.stdout.write(
          stats
            ? `seats: ${stats.available} available, ${stats.held} held, ${stats.reserved} reserved\n`
            : 'seat counts: set REDIS_URL to read them from the live seat map\n',
        );
      });
    });

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
