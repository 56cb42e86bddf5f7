/**
 * The gateway's HTTP routes on `PORT` besides Socket.IO: `/healthz`, `/readyz`, `/metrics`
 * (shared handler), `GET /shows/:showId/seats` (the versioned seat map) and the seat-map
 * page (`GET /`, `/app.js`, `/app.css`).
 */
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { ShowIdSchema } from '../contract/ids.ts';
import type { ShowLookup } from '../kafka/show-catalog.ts';
import { type HealthHandlers, handleHealthRoute } from '../observability/health-http.ts';
import type { Logger } from '../observability/logger.ts';
import type { ReadModel } from '../state/read-model.ts';
import { viewFor } from '../state/read-model.ts';
import { SECURITY_HEADERS, type WebAssets } from '../web/assets.ts';

export interface HttpContext {
  health: HealthHandlers;
  shows: ShowLookup;
  readModel: ReadModel;
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
  if (await handleHealthRoute(ctx.health, req, res)) return;
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return json(res, 405, { ok: false, error: { code: 'METHOD_NOT_ALLOWED' } });
  }
  const asset = ctx.assets.get(path);
  if (asset) {
    res.writeHead(200, { 'content-type': asset.contentType, 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
    return;
  }
  const match = SEATS_ROUTE.exec(path);
  if (!match?.[1]) return json(res, 404, { ok: false, error: { code: 'NOT_FOUND' } });
  let showId: string;
  try {
    showId = decodeURIComponent(match[1]);
  } catch {
    showId = '';
  }
  if (!ShowIdSchema.safeParse(showId).success) {
    return json(res, 400, {
      ok: false,
      error: { code: 'INVALID_PAYLOAD', message: 'showId must be 1–64 of [A-Za-z0-9_-]' },
    });
  }
  const show = ctx.shows.get(showId);
  if (!show) {
    return json(res, 404, {
      ok: false,
      error: { code: 'UNKNOWN_SHOW', message: `no show ${showId}` },
    });
  }
  if (!(await ctx.readModel.isComplete(ctx.eventPartitions))) {
    res.setHeader('retry-after', '1');
    return json(res, 503, {
      ok: false,
      error: { code: 'UNAVAILABLE', message: 'the seat map is being rebuilt' },
    });
  }
  const map = await ctx.readModel.readShow(show);
  const { seats } = viewFor(map, '');
  return json(res, 200, { ok: true, show: { showId, seats, stats: map.stats } });
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
