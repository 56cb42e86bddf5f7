/**
 * What an operator scrapes and probes: each process's /metrics carries the metrics the
 * operations section names, with no seat or user ids as labels; /healthz and /readyz answer
 * on each process's private admin port, and the gateway's public port serves neither
 * /metrics nor /readyz.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayHandle } from '../../../src/gateway/gateway.ts';
import type { WorkerHandle } from '../../../src/worker/worker.ts';
import { GatewayTestbed } from '../gateway/gateway-testbed.ts';

let testbed: GatewayTestbed;
let worker: WorkerHandle;
let gateway: GatewayHandle;

beforeAll(async () => {
  testbed = await GatewayTestbed.create(3);
  const show = await testbed.bed.createShow({ rows: 2, seatsPerRow: 4 });
  worker = await testbed.bed.startWorker();
  gateway = await testbed.startGateway();
  await testbed.settled([gateway]);
  const client = await testbed.client('metrics-user-7', gateway.url);
  await client.join(show.showId);
  const held = await client.hold(show.showId, 'B4');
  expect(held.ok).toBe(true);
});

afterAll(async () => {
  await testbed?.close();
});

async function text(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res.text();
}

describe('observability', () => {
  it("exposes the worker's decisions, actors, partitions, rebalances, fencing, DLQ, lag and event-loop lag", async () => {
    const metrics = await text(`http://127.0.0.1:${worker.metricsPort}/metrics`);
    expect(metrics).toMatch(
      /holdfast_worker_commands_total\{type="seat.holdRequest",outcome="seat.held"\} 1/,
    );
    for (const name of [
      'holdfast_worker_decision_latency_seconds_bucket',
      'holdfast_worker_live_actors',
      'holdfast_worker_owned_partitions 3',
      'holdfast_worker_rebalances_total',
      'holdfast_worker_fenced_writes_total',
      'holdfast_worker_dead_letters_total',
      'holdfast_worker_consumer_lag{partition=',
      'holdfast_worker_nodejs_eventloop_lag_seconds',
    ]) {
      expect(metrics, name).toContain(name);
    }
    expect(metrics).not.toMatch(/B4|metrics-user-7/);
  });

  it("exposes the gateway's sockets, acks by outcome and decision time", async () => {
    const metrics = await text(`${gateway.adminUrl}/metrics`);
    expect(metrics).toMatch(/holdfast_gateway_sockets\{[^}]*\} 1/);
    expect(metrics).toMatch(
      /holdfast_gateway_messages_total\{[^}]*event="seat:hold"[^}]*outcome="ok"[^}]*\} 1/,
    );
    expect(metrics).toContain('holdfast_gateway_decision_seconds_bucket');
    expect(metrics).toContain('nodejs_eventloop_lag_seconds');
    expect(metrics).not.toMatch(/B4|metrics-user-7/);
  });

  it('answers the probes of both processes', async () => {
    for (const base of [`http://127.0.0.1:${worker.metricsPort}`, gateway.adminUrl]) {
      expect(JSON.parse(await text(`${base}/healthz`))).toMatchObject({ ok: true });
      expect(JSON.parse(await text(`${base}/readyz`))).toMatchObject({ ok: true });
    }
    expect(JSON.parse(await text(`${gateway.url}/healthz`))).toMatchObject({ ok: true });
    for (const path of ['/metrics', '/readyz']) {
      expect((await fetch(`${gateway.url}${path}`)).status, path).toBe(404);
    }
  });
});
