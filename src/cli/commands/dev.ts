/**
 * `holdfast dev` (and `npm start`): the whole stack on this machine — infrastructure (reused
 * if up), topics, a demo show, two workers and two gateways as separate processes — and the
 * seat-map page's address, first, then how to open it as two different users. Ctrl-C stops
 * everything it started within 30 s.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import type { TokenPolicy } from '../../config/auth.ts';
import { loadDevConfig } from '../../config/commands.ts';
import type { Env } from '../../config/env.ts';
import { redactRedisUrl } from '../../config/security.ts';
import { startDevStack } from '../../fleet/dev-stack.ts';
import { signForPolicy } from '../../gateway/auth.ts';
import { infraConfig } from '../../infra/config.ts';
import { infraDown, infraStatus } from '../../infra/stack.ts';
import { createLogger } from '../../observability/logger.ts';
import { runService, type Stoppable } from '../signals.ts';
import { runInfraUp } from './infra.ts';
import { kafkaSecurityHelp, redisSecurityHelp } from './security-help.ts';

const say = (line: string) => process.stderr.write(`holdfast dev: ${line}\n`);

async function pageUrl(
  port: number,
  showId: string,
  userId: string,
  policy: TokenPolicy,
): Promise<string> {
  // As long as the gateways allow: a demo page left open should not expire within the day.
  const token = await signForPolicy(userId, policy, policy.maxLifetimeS);
  // In the fragment, so the token never reaches a server log or a Referer header.
  return `http://127.0.0.1:${port}/#show=${encodeURIComponent(showId)}&token=${token}`;
}

async function startDev(env: Env): Promise<Stoppable> {
  const config = loadDevConfig(env);
  const infra = infraConfig(env);
  const wasUp = (await infraStatus(infra.infraDir)).every((service) => service.answering);
  const addresses = await runInfraUp();
  const { jwtSecret } = config;
  const stack = await startDevStack({
    kafkaBrokers: addresses.kafkaBrokers,
    redisUrl: addresses.redisUrl,
    jwtSecret,
    gatewayPort: config.gatewayPort,
    metricsPort: config.metricsPort,
    partitions: config.partitions,
    demoShow: {
      showId: config.demoShow.showId,
      rows: 20,
      seatsPerRow: 30,
      holdTtlMs: config.demoShow.holdTtlMs,
      createdAt: Date.now(),
    },
    logDir: join(infra.infraDir, 'dev-logs'),
    baseEnv: { ...env, HOLDFAST_LOG_LEVEL: config.logLevel },
    // kafkajs logs every transient broker answer as an error; progress lines tell the story.
    logger: createLogger({ level: 'fatal', destinationFd: 2 }),
    progress: say,
  });
  const policy = config.tokens;
  const showId = stack.demoShow.showId;
  const [first, second] = stack.gateways;
  process.stdout.write(
    [
      '',
      `Seat map (as alice): ${await pageUrl(first?.port ?? config.gatewayPort, showId, 'alice', policy)}`,
      '',
      'Open it as a second user (bob) in another browser or a private window — through the other gateway:',
      `  ${await pageUrl(second?.port ?? config.gatewayPort + 1, showId, 'bob', policy)}`,
      '',
      'Any other user: HOLDFAST_JWT_SECRET=<the secret below> npx holdfast token <userId>, then open',
      `  http://127.0.0.1:${first?.port}/#show=${showId}&token=<token>`,
      '',
      `Gateways: ${stack.gateways.map((g) => `http://127.0.0.1:${g.port}`).join(', ')} (public: the page, Socket.IO, /healthz)`,
      `Metrics:  ${[...stack.gateways, ...stack.workers].map((m) => `${m.name} http://127.0.0.1:${m.adminPort}/metrics`).join(', ')} (private: /metrics /readyz /healthz)`,
      `KAFKA_BROKERS=${addresses.kafkaBrokers}  REDIS_URL=${redactRedisUrl(addresses.redisUrl)}`,
      `HOLDFAST_JWT_SECRET=${jwtSecret}`,
      '',
      'Ctrl-C stops everything this command started.',
      '',
    ].join('\n'),
  );
  return {
    stop: async () => {
      say('stopping gateways and workers…');
      await stack.stop();
      if (!wasUp) {
        say('stopping the Kafka and Redis this command started…');
        await infraDown({ infraDir: infra.infraDir, onProgress: say });
      }
      say('stopped.');
    },
  };
}

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description(
      'Run the whole stack on this machine: Kafka and Redis (reused if up), the topics, a demo show ' +
        '(20 rows × 30 seats), two workers and two gateways, and print the seat-map page to open.',
    )
    .addHelpText(
      'after',
      `
Configuration (environment):
  PORT                   first gateway's port; the second takes PORT+1 (default 3000)
  HOLDFAST_METRICS_PORT  first private metrics port (/metrics /readyz): workers take it and +1, gateways +2 and +3 (default 9464)
  HOLDFAST_JWT_SECRET    secret the gateways verify tokens with (default: random for this run)
  HOLDFAST_TOKEN_MAX_LIFETIME  longest token lifetime the gateways accept, and the printed tokens' (default 86400 = 24h)
  HOLDFAST_JWT_ISSUER    iss of the printed tokens, required by the gateways (default: none)
  HOLDFAST_JWT_AUDIENCE  aud of the printed tokens, required by the gateways (default: none)
  HOLDFAST_HOLD_TTL_MS   hold TTL of the demo show when it is created (default 120000)
  HOLDFAST_DEMO_SHOW     the demo show's id (default demo)
  HOLDFAST_PARTITIONS    partitions of the topics when they are created (default 12)
  HOLDFAST_LOG_LEVEL     level of every process's logs (default info)
  HOLDFAST_INFRA_DIR     where the infrastructure and the processes' logs live
  HOLDFAST_CACHE_DIR     the Kafka jar cache
  KAFKA_BROKERS / REDIS_URL use running services instead of local ones; to reach secured ones:
${kafkaSecurityHelp()}
${redisSecurityHelp()}

Ctrl-C stops the gateways, the workers, and Kafka and Redis if this command started them.`,
    )
    .action(async () => {
      await runService(() => startDev(process.env), 30_000);
    });
}
