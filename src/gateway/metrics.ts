/** The gateway's Prometheus metrics, in a registry of its own (gateways can share a process). */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface GatewayMetrics {
  registry: Registry;
  /** Client messages by event and how they were answered (`ok` or the error code). */
  messages: Counter<'event' | 'outcome'>;
  sockets: Gauge;
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
      help: 'Client messages by event and outcome (ok or error code).',
      labelNames: ['event', 'outcome'],
      registers: [registry],
    }),
    sockets: new Gauge({
      name: 'holdfast_gateway_sockets',
      help: 'Connected sockets.',
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
