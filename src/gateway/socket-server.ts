/**
 * The HTTP server and the Socket.IO server on it: the cluster adapter over Redis, the size
 * cap, and the handshake — a verified token names the user and when its session ends;
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
}

export function createSocketServer(options: SocketServerOptions): {
  http: HttpServer;
  io: GatewayServer;
} {
  const http = createServer();
  const io: GatewayServer = new Server(http, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES + FRAMING_BYTES,
    serveClient: false,
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
  return { http, io };
}
