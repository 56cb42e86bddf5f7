import type { Command } from 'commander';
import { loadGatewayConfig } from '../../config/gateway.ts';
import { startGateway } from '../../gateway/gateway.ts';
import { runService } from '../signals.ts';
import { CONSUMER_VARIABLES_HELP } from './consumer-help.ts';
import { kafkaClientHelp, kafkaSecurityHelp, redisSecurityHelp } from './security-help.ts';

export function registerGatewayCommand(program: Command): void {
  program
    .command('gateway')
    .description(
      'Run a gateway: Socket.IO and HTTP on PORT, /metrics and /readyz on the private ' +
        'HOLDFAST_METRICS_PORT; turns client holds, confirmations and releases into commands, ' +
        'answers each with its decision and broadcasts every change.',
    )
    .addHelpText(
      'after',
      `
Configuration (environment):
  KAFKA_BROKERS                       host:port[,host:port] (required)
  REDIS_URL                           redis[s]://[user:password@]host:port (required; rediss = TLS)
${kafkaSecurityHelp()}
${kafkaClientHelp()}
${redisSecurityHelp()}
  HOLDFAST_JWT_SECRET                 HS256 secret shared with token issuers, ≥ 32 chars; published
                                      examples and simple patterns are refused
  HOLDFAST_JWT_PUBLIC_KEY             or: Ed25519 / RSA public key (PEM text or file) to verify EdDSA /
                                      RS256 tokens with, so this gateway cannot mint any (one of the two is required)
  HOLDFAST_TOKEN_MAX_LIFETIME         furthest ahead a token's exp may be: 90, 15m, 24h, 7d (default 86400 = 24h)
  HOLDFAST_JWT_ISSUER                 when set, tokens must carry this iss (default: none)
  HOLDFAST_JWT_AUDIENCE               when set, tokens must carry this aud (default: none)
  PORT                                public HTTP + Socket.IO port, /healthz too (default 8080; 0 = a free port, printed)
  HOLDFAST_HOST                       interface to listen on (default 127.0.0.1)
  HOLDFAST_METRICS_PORT               private admin port: /metrics, /healthz, /readyz (default 9464; 0 = a free port, printed)
  HOLDFAST_METRICS_HOST               interface the admin port listens on (default 127.0.0.1)
  HOLDFAST_ACK_TIMEOUT_MS             wait for a decision before answering TIMEOUT (default 10000)
  HOLDFAST_COMMAND_RETRIES            retries of a command's send to Kafka before UNAVAILABLE (default 3)
  HOLDFAST_COMMAND_RETRY_MAX_MS       the longest wait between two of them (default 1000)
  HOLDFAST_BATCH_FRAME_MS             how long seat changes wait to share a seats:changed frame (default 15)
  HOLDFAST_SESSION_TIMEOUT_MS         how long a dead gateway's partitions wait (default 10000)
${CONSUMER_VARIABLES_HELP}
  HOLDFAST_RATE_LIMIT_PER_SECOND      messages a socket may send per second (default 20)
  HOLDFAST_RATE_LIMIT_BURST           …and in one burst after a quiet spell (default 40)
  HOLDFAST_USER_RATE_LIMIT_PER_SECOND messages per second across all of a user's sockets (default 60; bursts of twice that)
  HOLDFAST_IP_RATE_LIMIT_PER_SECOND   messages per second across all sockets of a client address (default 200; bursts of twice that)
  HOLDFAST_MAX_CONNECTIONS_PER_USER   sockets one user may have open on this gateway (default 10)
  HOLDFAST_MAX_CONNECTIONS_PER_IP     sockets one client address may have open on this gateway (default 200)
  HOLDFAST_SEAT_MAP_RATE_LIMIT_PER_SECOND
                                      GET /shows/:id/seats per second per client address (default 2; bursts of twice that)
  HOLDFAST_TRUSTED_PROXIES            CIDR list of proxies whose X-Forwarded-For is believed (default none)
  HOLDFAST_LIMIT_EXEMPT_CIDRS         CIDR list exempt from per-user and per-address limits (none = no exemption; unset: loopback, 127.0.0.0/8,::1)
  HOLDFAST_TRANSPORTS                 websocket, or websocket,polling to accept HTTP long-polling (default websocket)
  HOLDFAST_HANDSHAKE_TIMEOUT_MS       time a new connection has to send its headers and complete the handshake (default 5000)
  HOLDFAST_STATS_PERIOD_MS            shortest time between two show:stats of one show (default 300)
  HOLDFAST_STATS_TICK_MS              how often changed shows are tried for show:stats (default 100)
  HOLDFAST_READ_MODEL_CHECK_MS        how often partitions are checked for a lost read model (default 1000)
  HOLDFAST_DRAIN_MS                   how long a stop waits for in-flight acks (default: the smaller of the ack timeout and 5000)
  HOLDFAST_GATEWAY_ID                 this instance's id, the replyTo of its commands (default random)
  HOLDFAST_PARTITIONS, HOLDFAST_KAFKA_PREFIX, HOLDFAST_REDIS_PREFIX, HOLDFAST_LOG_LEVEL

Limits are kept per gateway process (docs/limits.md).
Exits 1 at startup, with the setting to fix, when Kafka or Redis refuses the login or TLS fails.
Prints "gateway <id> listening on http://host:port (metrics on http://host:port)" to stderr once it serves.
Stops gracefully on SIGTERM or SIGINT: readiness off, no new commands, sockets closed,
the consumer group left.`,
    )
    .action(async () => {
      const config = loadGatewayConfig(process.env);
      await runService(async () => {
        const gateway = await startGateway(config);
        process.stderr.write(
          `holdfast: gateway ${gateway.gatewayId} listening on ${gateway.url} (metrics on ${gateway.adminUrl})\n`,
        );
        return gateway;
      });
    });
}
