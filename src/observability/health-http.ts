/**
 * `/metrics` (Prometheus), `/healthz` (alive: never asks Kafka or Redis) and `/readyz`
 * (ready to take work), on a private admin port of their own (`HOLDFAST_METRICS_PORT`) in
 * workers and gateways alike; a gateway's public port answers only `/healthz`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface Probe {
  ok: boolean;
  /** Why not, for an operator reading the probe's body. */
  detail?: Record<string, unknown>;
}

export interface HealthHandlers {
  registry: Registry;
  liveness: () => Probe;
  readiness: () => Probe;
}

export function sendProbe(res: ServerResponse, probe: Probe): void {
  res.writeHead(probe.ok ? 200 : 503, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ok: probe.ok, ...probe.detail }));
}

/** Answers the three routes and returns true, or returns false for any other path. */
export async function handleHealthRoute(
  handlers: HealthHandlers,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET') return false;
  switch (path) {
    case '/healthz':
      sendProbe(res, handlers.liveness());
      return true;
    case '/readyz':
      sendProbe(res, handlers.readiness());
      return true;
    case '/metrics': {
      const body = await handlers.registry.metrics();
      res.writeHead(200, { 'content-type': handlers.registry.contentType });
      res.end(body);
      return true;
    }
    default:
      return false;
  }
}

/** A server of just the three routes, on loopback unless told otherwise. */
export async function startHealthServer(
  handlers: HealthHandlers,
  port: number,
  host = '127.0.0.1',
): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    handleHealthRoute(handlers, req, res)
      .then((handled) => {
        if (!handled) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error: { code: 'NOT_FOUND' } }));
        }
      })
      .catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: { code: 'INTERNAL', message: String(error) } }));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
