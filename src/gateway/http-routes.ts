/**
 * The gateway's public HTTP routes on `PORT` besides Socket.IO: `/healthz`,
 * `GET /shows/:showId/seats` (the versioned seat map, rate-limited per client address) and
 * the seat-map page (`GET /`, `/app.js`, `/app.css`). `/readyz` and `/metrics` are not here:
 * they are on the private admin port (`HOLDFAST_METRICS_PORT`).
 */
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { ShowIdSchema } from '../contract/ids.ts';
import type { ShowLookup } from '../kafka/show-catalog.ts';
import { type Probe, sendProbe } from '../observability/health-http.ts';
import type { Logger } from '../observability/logger.ts';
import type { ReadModel } from '../state/read-model.ts';
import { SECURITY_HEADERS, type WebAssets } from '../web/assets.ts';
import { type AddressSet, clientAddress } from './client-address.ts';
import type { ClientLimits } from './client-limits.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { SeatMapCache } from './seat-map-cache.ts';

export interface HttpContext {
  liveness: () => Probe;
  shows: ShowLookup;
  readModel: Pick<ReadModel, 'isComplete'>;
  seatMaps: Pick<SeatMapCache, 'get'>;
  limits: Pick<ClientLimits, 'takeSeatMapRequest'>;
  trustedProxies: AddressSet;
  metrics: Pick<GatewayMetrics, 'seatMapRequests'>;
  eventPartitions: readonly number[];
  /** The seat-map page, loaded once at start. */
  assets: WebAssets;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const SEATS_ROUTE = /^\/shows\/([^/]+)\/seats$/;

export async function handleHttp(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return json(res, 405, { ok: false, error: { code: 'METHOD_NOT_ALLOWED' } });
  }
  if (path === '/healthz') return sendProbe(res, ctx.liveness());
  const asset = ctx.assets.get(path);
  if (asset) {
    res.writeHead(200, { 'content-type': asset.contentType, 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
    return;
  }
  const match = SEATS_ROUTE.exec(path);
  if (!match?.[1]) return json(res, 404, { ok: false, error: { code: 'NOT_FOUND' } });
  const outcome = await serveSeatMap(ctx, req, res, match[1]);
  ctx.metrics.seatMapRequests.inc({ outcome });
}

/** `GET /shows/:showId/seats`; returns the outcome (`ok` or the error code) for the metric. */
async function serveSeatMap(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  rawShowId: string,
): Promise<string> {
  const address = clientAddress(
    req.socket.remoteAddress,
    req.headers['x-forwarded-for'],
    ctx.trustedProxies,
  );
  const taken = ctx.limits.takeSeatMapRequest(address);
  if (!taken.ok) {
    res.setHeader('retry-after', String(Math.ceil(taken.retryAfterMs / 1000)));
    json(res, 429, {
      ok: false,
      error: {
        code: 'RATE_LIMITED',
        message: 'too many seat-map requests from this address: use show:join for live updates',
        retryAfterMs: taken.retryAfterMs,
      },
    });
    return 'RATE_LIMITED';
  }
  let showId: string;
  try {
    showId = decodeURIComponent(rawShowId);
  } catch {
    showId = '';
  }
  if (!ShowIdSchema.safeParse(showId).success) {
    json(res, 400, {
      ok: false,
      error: { code: 'INVALID_PAYLOAD', message: 'showId must be 1–64 of [A-Za-z0-9_-]' },
    });
    return 'INVALID_PAYLOAD';
  }
  const show = ctx.shows.get(showId);
  if (!show) {
    json(res, 404, { ok: false, error: { code: 'UNKNOWN_SHOW', message: `no show ${showId}` } });
    return 'UNKNOWN_SHOW';
  }
  if (!(await ctx.readModel.isComplete(ctx.eventPartitions))) {
    res.setHeader('retry-after', '1');
    json(res, 503, {
      ok: false,
      error: { code: 'UNAVAILABLE', message: 'the seat map is being rebuilt' },
    });
    return 'UNAVAILABLE';
  }
  const map = await ctx.seatMaps.get(show);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(req.method === 'HEAD' ? undefined : map.httpBody());
  return 'ok';
}

/** Serves every HTTP request but Socket.IO's own; a route that fails answers 503. */
export function serveHttpRoutes(http: HttpServer, ctx: HttpContext, logger: Logger): void {
  http.on('request', (req, res) => {
    if ((req.url ?? '').startsWith('/socket.io/')) return;
    handleHttp(ctx, req, res).catch((error: unknown) => {
      logger.error({ err: error, url: req.url }, 'HTTP request failed');
      if (!res.headersSent) res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: { code: 'UNAVAILABLE' } }));
    });
  });
}
