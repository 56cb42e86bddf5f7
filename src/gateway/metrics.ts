/**
 * The gateway's Prometheus metrics, in a registry of its own (gateways can share a process).
 * Every label value comes from a fixed set, never from what a client sent: an event name
 * the contract does not know is counted as `unknown`, so no client can grow a series.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { CLIENT_EVENTS, type ClientEventName } from '../contract/socket-events.ts';

/** The `event` label of a client message: the contract's name, or `unknown`. */
export type EventLabel = ClientEventName | 'unknown';

export function eventLabel(event: unknown): EventLabel {
  return typeof event === 'string' && (CLIENT_EVENTS as readonly string[]).includes(event)
    ? (event as ClientEventName)
    : 'unknown';
}

export interface GatewayMetrics {
  registry: Registry;
  /** Client messages by event and how they were answered (`ok` or the error code). */
  messages: Counter<'event' | 'outcome'>;
  sockets: Gauge;
  /** Handshakes refused for a connection cap, by which cap. */
  connectionsRefused: Counter<'reason'>;
  /** `GET /shows/:showId/seats` by outcome (`ok` or the error code). */
  seatMapRequests: Counter<'outcome'>;
  /** Seat maps read from Redis and built: one per show per change, however many ask. */
  seatMapBuilds: Counter;
  /** Seconds from a command's production to its ack. */
  decisionSeconds: Histogram<'event'>;
}

export function createGatewayMetrics(gatewayId: string, pendingAcks: () => number): GatewayMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ gateway: gatewayId });
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'holdfast_gateway_pending_acks',
    help: 'Acks waiting for their decision.',
    registers: [registry],
    collect() {
      this.set(pendingAcks());
    },
  });
  return {
    registry,
    messages: new Counter({
      name: 'holdfast_gateway_messages_total',
      help: 'Client messages by event (unknown for any name outside the contract) and outcome (ok or error code).',
      labelNames: ['event', 'outcome'],
      registers: [registry],
    }),
    sockets: new Gauge({
      name: 'holdfast_gateway_sockets',
      help: 'Connected sockets.',
      registers: [registry],
    }),
    connectionsRefused: new Counter({
      name: 'holdfast_gateway_connections_refused_total',
      help: 'Handshakes refused RATE_LIMITED, by the cap reached (user_connections, address_connections).',
      labelNames: ['reason'],
      registers: [registry],
    }),
    seatMapRequests: new Counter({
      name: 'holdfast_gateway_seat_map_requests_total',
      help: 'GET /shows/:showId/seats by outcome (ok or error code).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    seatMapBuilds: new Counter({
      name: 'holdfast_gateway_seat_map_builds_total',
      help: 'Seat maps read from Redis and built (once per show per change; joins and GETs share them).',
      registers: [registry],
    }),
    decisionSeconds: new Histogram({
      name: 'holdfast_gateway_decision_seconds',
      help: 'Time from receiving a seat command to its ack.',
      labelNames: ['event'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
