/**
 * The one place replies are routed. A command's ack waits here under its correlation id;
 * a consumed decision is handed to the gateway named in its `replyTo` — resolved here when
 * that is this gateway, otherwise sent to every gateway through the adapter's
 * server-to-server messages (`seat:decision`), which each gateway receives here too and
 * acts on only when it is the one named.
 */
import type { SeatEvent, SocketCommandType } from '../contract/kafka-records.ts';
import type { Decided } from './decisions.ts';
import { PendingAcks } from './pending-acks.ts';

/** The part of the Socket.IO server the router needs: server-to-server messages. */
export interface ServerMessages {
  serverSideEmit(event: 'seat:decision', decision: SeatEvent): unknown;
  on(event: 'seat:decision', listener: (decision: SeatEvent) => void): unknown;
}

export interface ReplyRouterOptions {
  gatewayId: string;
  ackTimeoutMs: number;
  servers: ServerMessages;
}

export class ReplyRouter {
  readonly #gatewayId: string;
  readonly #servers: ServerMessages;
  readonly #pending: PendingAcks;

  constructor(options: ReplyRouterOptions) {
    this.#gatewayId = options.gatewayId;
    this.#servers = options.servers;
    this.#pending = new PendingAcks(options.ackTimeoutMs);
    this.#servers.on('seat:decision', (decision) => this.#resolveOwn(decision));
  }

  /** Acks waiting for their decision. */
  get waiting(): number {
    return this.#pending.size;
  }

  /** Waits for the decision of a command about to be produced; `answer` is called once. */
  expect(correlationId: string, type: SocketCommandType, answer: (ack: Decided) => void): void {
    this.#pending.add(correlationId, type, answer);
  }

  /** Answers a wait without a decision (the command could not be produced). */
  settle(correlationId: string, ack: Decided): void {
    this.#pending.settle(correlationId, ack);
  }

  /**
   * Hands a consumed decision to whoever waits for it. `live` is false for records replayed
   * while rebuilding: their waiters are long gone, so they are not sent to other gateways.
   */
  route(decision: SeatEvent, live: boolean): void {
    if (decision.replyTo === this.#gatewayId) this.#resolveOwn(decision);
    else if (live && decision.replyTo !== '')
      this.#servers.serverSideEmit('seat:decision', decision);
  }

  /** Answers every wait (on shutdown). */
  settleAll(ack: Decided): void {
    this.#pending.settleAll(ack);
  }

  #resolveOwn(decision: SeatEvent): void {
    if (decision.replyTo === this.#gatewayId) this.#pending.resolve(decision);
  }
}
