/**
 * The HTTP server and the Socket.IO server on it: the cluster adapter over Redis, the size
 * cap, the transports (websocket only unless configured), the handshake deadline, and the
 * handshake — a verified token names the user and when its session ends, then the
 * connection caps admit it;
 * `auth.frames` picks how seat changes arrive. The other HTTP routes are `http-routes.ts`'s.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import {
  framesOf,
  type InterServerEvents,
  MAX_MESSAGE_BYTES,
  type ServerToClientEvents,
} from '../contract/socket-events.ts';
import { type AdmissionOptions, admission } from './admission.ts';
import { type TokenVerifier, UnauthenticatedError } from './auth.ts';
import type { RawClientEvents, SocketData } from './connection.ts';

/** Extra bytes allowed over the 64 KiB message cap for Socket.IO's own packet framing. */
const FRAMING_BYTES = 1024;

export type GatewayServer = Server<
  RawClientEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

export interface SocketServerOptions {
  /** Checks each handshake's token. */
  verify: TokenVerifier;
  redisPrefix: string;
  pub: Redis;
  sub: Redis;
  /** Engine.IO transports accepted: `websocket`, and `polling` only when configured. */
  transports: readonly ('websocket' | 'polling')[];
  /** How long a connection may take to complete its handshake (token included). */
  handshakeTimeoutMs: number;
  admission: AdmissionOptions;
}

export function createSocketServer(options: SocketServerOptions): {
  http: HttpServer;
  io: GatewayServer;
} {
  // A connection must send its request's headers (the websocket upgrade included) within
  // the handshake deadline too: a client that trickles them holds nothing for long. Node
  // checks that deadline on an interval (30 s by default): check twice per deadline.
  const http = createServer({
    headersTimeout: options.handshakeTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.floor(options.handshakeTimeoutMs / 2)),
  });
  const io: GatewayServer = new Server(http, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES + FRAMING_BYTES,
    serveClient: false,
    transports: [...options.transports],
    connectTimeout: options.handshakeTimeoutMs,
    adapter: createAdapter(options.pub, options.sub, { key: `${options.redisPrefix}:socket.io` }),
  });
  io.use((socket, next) => {
    options
      .verify(socket.handshake.auth?.token)
      .then((verified) => {
        if (!verified.ok) return next(new UnauthenticatedError(verified.message));
        socket.data.userId = verified.userId;
        socket.data.expiresAt = verified.expiresAt;
        socket.data.frames = framesOf(socket.handshake.auth);
        next();
      })
      .catch(() => next(new UnauthenticatedError('token refused')));
  });
  io.use(admission(options.admission));
  return { http, io };
}
