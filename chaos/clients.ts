/**
 * The clients: simulated users, each a Socket.IO client (the SDK) on one of the gateways,
 * racing for a small pool of seats — the first few seats not yet reserved in their local
 * map — with holds, confirmations, releases, holds left to expire, retries of the same
 * `commandId` after an unknown outcome, repeats of a finished command, and reconnects to
 * another gateway. Every call goes into the history.
 */
import { connectHoldfast, type HoldfastClient } from '../src/client/index.ts';
import type { CommandAck } from '../src/contract/socket-events.ts';
import type { History, Operation, OperationKind } from './history.ts';
import type { Rng } from './rng.ts';

export interface DriverOptions {
  showId: string;
  /** Seats of the show in a fixed order: clients race for the first free ones. */
  seatIds: readonly string[];
  /** How many of the first not-yet-reserved seats each client chooses from. */
  poolSize: number;
  holdTtlMs: number;
  /** The SDK's own ack deadline (longer than the gateway's). */
  ackTimeoutMs: number;
  /** Attempts of one command with the same `commandId` while the outcome stays unknown. */
  maxAttempts: number;
  /** Probability per iteration of dropping the socket and connecting to another gateway. */
  reconnectChance: number;
}

export interface Endpoint {
  readonly name: string;
  readonly url: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ClientDriver {
  readonly userId: string;
  readonly #token: string;
  readonly #endpoints: () => readonly Endpoint[];
  readonly #history: History;
  readonly #rng: Rng;
  readonly #options: DriverOptions;
  #client: HoldfastClient | undefined;
  #gateway: Endpoint | undefined;
  #seq = 0;
  #stopped = false;
  reconnects = 0;

  constructor(
    userId: string,
    token: string,
    endpoints: () => readonly Endpoint[],
    history: History,
    rng: Rng,
    options: DriverOptions,
  ) {
    this.userId = userId;
    this.#token = token;
    this.#endpoints = endpoints;
    this.#history = history;
    this.#rng = rng;
    this.#options = options;
  }

  stop(): void {
    this.#stopped = true;
  }

  /** Runs until `stop()` or `until` (epoch ms); every wait inside is bounded. */
  async run(until: number): Promise<void> {
    try {
      while (!this.#stopped && Date.now() < until) {
        if (!(await this.#ensureJoined())) {
          await sleep(500);
          continue;
        }
        await this.#iteration();
        if (this.#rng.chance(this.#options.reconnectChance)) this.#disconnect();
        await sleep(this.#rng.int(20, 200));
      }
    } finally {
      this.#disconnect();
    }
  }

  async #ensureJoined(): Promise<boolean> {
    if (!this.#client) {
      const endpoints = this.#endpoints();
      this.#gateway = this.#rng.pick(endpoints);
      this.#client = connectHoldfast({
        url: this.#gateway.url,
        token: this.#token,
        ackTimeoutMs: this.#options.ackTimeoutMs,
        socketOptions: { reconnectionDelay: 300, reconnectionDelayMax: 2000, timeout: 5000 },
      });
      this.reconnects++;
    }
    const client = this.#client;
    if (!client.socket.connected) {
      const connected = await Promise.race([
        client.ready().then(
          () => true,
          () => false,
        ),
        sleep(5000).then(() => false),
      ]);
      if (!connected) {
        // The gateway may be down for good: try another one next time.
        this.#disconnect();
        return false;
      }
    }
    if (client.seats(this.#options.showId).length === 0) {
      const ack = await client.join(this.#options.showId);
      if (!ack.ok) return false;
    }
    return true;
  }

  #disconnect(): void {
    this.#client?.close();
    this.#client = undefined;
  }

  #pickSeat(client: HoldfastClient): string {
    const pool: string[] = [];
    for (const seatId of this.#options.seatIds) {
      if (client.seat(this.#options.showId, seatId)?.status !== 'reserved') pool.push(seatId);
      if (pool.length >= this.#options.poolSize) break;
    }
    return this.#rng.pick(pool.length > 0 ? pool : this.#options.seatIds);
  }

  async #iteration(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    const seatId = this.#pickSeat(client);
    const hold = await this.#command('hold', seatId, undefined);
    if (!hold.ok || hold.holdId === undefined) return;
    const holdId = hold.holdId;
    if (this.#rng.chance(0.1)) {
      // A repeat of a finished command must answer the same decision.
      await this.#command('hold', seatId, undefined, hold.commandId);
    }
    // Sometimes past the expiry, to race the expiry timer.
    await sleep(this.#rng.int(0, Math.round(this.#options.holdTtlMs * 1.2)));
    const roll = this.#rng.next();
    if (roll < 0.3) await this.#command('confirm', seatId, holdId);
    else if (roll < 0.75) await this.#command('release', seatId, holdId);
    // else: left to expire.
  }

  /** One command, retried with its `commandId` while the outcome is unknown. */
  async #command(
    kind: OperationKind,
    seatId: string,
    holdId: string | undefined,
    reuseCommandId?: string,
  ): Promise<{ ok: boolean; holdId?: string; commandId: string }> {
    const commandId = reuseCommandId ?? `${this.userId}-${++this.#seq}`;
    for (let attempt = 1; attempt <= this.#options.maxAttempts && !this.#stopped; attempt++) {
      const client = this.#client;
      if (!client) break;
      const op = this.#history.invoke({
        userId: this.userId,
        gateway: this.#gateway?.name ?? '?',
        kind,
        showId: this.#options.showId,
        seatId,
        commandId,
        attempt,
        ...(holdId === undefined ? {} : { holdId }),
      });
      const ack = await this.#call(client, op, kind, seatId, holdId, commandId);
      this.#history.complete(op, ack);
      if (op.outcome !== 'unknown') {
        return op.outcome === 'ok'
          ? { ok: true, commandId, ...(op.holdId === undefined ? {} : { holdId: op.holdId }) }
          : { ok: false, commandId };
      }
      // Unknown: the connection may be gone. Reconnect (maybe elsewhere) and retry.
      if (!client.socket.connected) {
        this.#disconnect();
        if (!(await this.#ensureJoined())) await sleep(500);
      } else {
        await sleep(200);
      }
    }
    return { ok: false, commandId };
  }

  async #call(
    client: HoldfastClient,
    _op: Operation,
    kind: OperationKind,
    seatId: string,
    holdId: string | undefined,
    commandId: string,
  ): Promise<CommandAck> {
    const showId = this.#options.showId;
    try {
      if (kind === 'hold') return await client.hold(showId, seatId, { commandId });
      if (kind === 'confirm')
        return await client.confirm(showId, seatId, holdId ?? '', { commandId });
      return await client.release(showId, seatId, holdId ?? '', { commandId });
    } catch {
      return { ok: false, error: { code: 'TIMEOUT', message: 'call failed' }, commandId };
    }
  }
}
