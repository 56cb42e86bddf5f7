/**
 * Gateways on top of the worker testbed: real Kafka, Redis and worker, gateways started
 * in-process as members of the testbed's deployment (its random prefixes), SDK clients with signed tokens, and a
 * switchable TCP proxy standing in for a load balancer. Closes everything it opened.
 */
import { randomUUID } from 'node:crypto';
import { connect, createServer, type Socket as NetSocket, type Server } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import {
  connectHoldfast,
  type HoldfastClient,
  type HoldfastClientOptions,
} from '../../../src/client/index.ts';
import { type GatewayConfig, loadGatewayConfig } from '../../../src/config/gateway.ts';
import { seatKey } from '../../../src/contract/ids.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import { secretKey, signToken } from '../../../src/gateway/auth.ts';
import { type GatewayHandle, startGateway } from '../../../src/gateway/gateway.ts';
import { partitionOfKey } from '../../../src/kafka/partitioning.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { testAddresses } from '../../support/fixtures.ts';
import { waitFor } from '../../support/wait.ts';
import { WorkerTestbed } from '../../support/worker-testbed.ts';

export const JWT_SECRET = `test-secret-${randomUUID()}`;

export class GatewayTestbed {
  readonly bed: WorkerTestbed;
  /** Gateway logs on stderr: `HOLDFAST_TEST_LOG_LEVEL=info` to see more than warnings. */
  readonly logger = createLogger({
    level: (process.env.HOLDFAST_TEST_LOG_LEVEL as 'info' | undefined) ?? 'warn',
    destinationFd: 2,
  });
  readonly #gateways = new Set<GatewayHandle>();
  readonly #clients = new Set<{ close(): void }>();
  readonly #proxies = new Set<TcpBalancer>();

  readonly partitions: number;

  private constructor(bed: WorkerTestbed, partitions: number) {
    this.bed = bed;
    this.partitions = partitions;
  }

  static async create(partitions = 3): Promise<GatewayTestbed> {
    const { kafkaBrokers, redisUrl } = testAddresses();
    const bed = await WorkerTestbed.create({ kafkaBrokers, redisUrl, partitions });
    return new GatewayTestbed(bed, partitions);
  }

  /**
   * The setup most gateway tests share: a testbed, a worker (unless `worker: false`), one
   * show of `layout`, and one gateway (with `env` overrides) that owns every partition.
   */
  static async oneGateway(options: {
    partitions?: number;
    worker?: boolean;
    layout: { rows: number; seatsPerRow: number };
    env?: Record<string, string>;
  }): Promise<{ tb: GatewayTestbed; gateway: GatewayHandle; show: ShowDefinition }> {
    const tb = await GatewayTestbed.create(options.partitions ?? 2);
    if (options.worker ?? true) await tb.bed.startWorker();
    const show = await tb.bed.createShow(options.layout);
    const gateway = await tb.startGateway(options.env);
    await tb.settled([gateway]);
    return { tb, gateway, show };
  }

  config(overrides: Record<string, string> = {}): GatewayConfig {
    const env = this.bed.deployment.memberEnv('gateway', `gw-${randomUUID().slice(0, 6)}`, {
      PORT: '0',
      HOLDFAST_JWT_SECRET: JWT_SECRET,
      ...overrides,
    });
    return loadGatewayConfig(env);
  }

  async startGateway(overrides: Record<string, string> = {}): Promise<GatewayHandle> {
    const gateway = await startGateway(this.config(overrides), {
      logger: this.logger,
      readModelCheckMs: 250,
    });
    this.#gateways.add(gateway);
    return gateway;
  }

  async stopGateway(gateway: GatewayHandle): Promise<void> {
    await gateway.stop();
    this.#gateways.delete(gateway);
  }

  /** Waits until every given gateway is ready and together they own every partition. */
  async settled(gateways: GatewayHandle[], partitions = this.partitions): Promise<void> {
    await waitFor(
      () =>
        gateways.every((g) => g.ready() && g.assignedPartitions().length > 0) &&
        new Set(gateways.flatMap((g) => g.assignedPartitions())).size === partitions,
      { what: 'gateways ready and sharing every partition', timeoutMs: 45_000 },
    );
  }

  /** A token as an issuer would mint it: short-lived (15 minutes unless told otherwise). */
  token(userId: string, ttlSeconds = 900): Promise<string> {
    return signToken(userId, secretKey(JWT_SECRET), { ttlSeconds });
  }

  async client(
    userId: string,
    url: string,
    options: Partial<HoldfastClientOptions> = {},
  ): Promise<HoldfastClient> {
    // A token source replaces the fixed token; a fixed one given wins over a fresh one.
    const token = options.getToken ? undefined : (options.token ?? (await this.token(userId)));
    const client = connectHoldfast({
      url,
      ...options,
      token,
      socketOptions: {
        reconnectionDelay: 100,
        reconnectionDelayMax: 500,
        ...options.socketOptions,
      },
    });
    this.#clients.add(client);
    await client.ready();
    return client;
  }

  /** A bare socket.io-client socket, for payloads the SDK would never send. */
  rawSocket(url: string, auth: Record<string, unknown>): Socket {
    const socket = io(url, { transports: ['websocket'], auth, reconnection: false });
    this.#clients.add(socket);
    return socket;
  }

  async proxy(targetPort: number): Promise<TcpBalancer> {
    const proxy = await TcpBalancer.start(targetPort);
    this.#proxies.add(proxy);
    return proxy;
  }

  async close(): Promise<void> {
    for (const client of this.#clients) client.close();
    await Promise.allSettled([...this.#gateways].map((g) => g.stop()));
    for (const proxy of this.#proxies) await proxy.close();
    await this.bed.close();
  }
}

/** The partition of a seat's key, as the producers' default partitioner picks it. */
export function partitionOf(showId: string, seatId: string, partitions: number): number {
  return partitionOfKey(seatKey(showId, seatId), partitions);
}

/** A TCP proxy whose target can move: a load balancer in front of gateways. */
export class TcpBalancer {
  readonly #server: Server;
  readonly #sockets = new Set<NetSocket>();
  targetPort: number;
  readonly port: number;

  private constructor(server: Server, targetPort: number, port: number) {
    this.#server = server;
    this.targetPort = targetPort;
    this.port = port;
  }

  static async start(targetPort: number): Promise<TcpBalancer> {
    let proxy: TcpBalancer | undefined;
    const server = createServer((inbound) => {
      if (proxy) proxy.pipe(inbound);
      else inbound.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('proxy has no port');
    proxy = new TcpBalancer(server, targetPort, address.port);
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  pipe(inbound: NetSocket): void {
    const outbound = connect(this.targetPort, '127.0.0.1');
    this.#sockets.add(inbound);
    this.#sockets.add(outbound);
    const drop = () => {
      inbound.destroy();
      outbound.destroy();
      this.#sockets.delete(inbound);
      this.#sockets.delete(outbound);
    };
    inbound.on('error', drop).on('close', drop);
    outbound.on('error', drop).on('close', drop);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  }

  /** Points new connections at another port and cuts the current ones. */
  retarget(port: number): void {
    this.targetPort = port;
    for (const socket of this.#sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
