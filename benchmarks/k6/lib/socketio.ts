/**
 * A Socket.IO v4 client over a bare WebSocket, for k6 (`k6/websockets`) and anything with
 * the same WebSocket shape (the tests run it on `ws` through an adapter). It speaks just
 * what Holdfast needs: Engine.IO v4 over the `websocket` transport (open, ping → pong,
 * close, message), Socket.IO packets on the default namespace (CONNECT with auth, EVENT
 * with and without ack id, ACK, CONNECT_ERROR, DISCONNECT), text only (no binary).
 *
 * No k6 import here: the WebSocket constructor and the timers are injected, so the same
 * file runs in k6 and in Node.
 */

/** The part of a WebSocket this client uses (k6/websockets, browsers and the tests' adapter). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    event: 'open' | 'message' | 'close' | 'error',
    listener: (event: unknown) => void,
  ): void;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface SocketIOOptions {
  /** The server's base URL: `http://host:port` (or ws://). */
  url: string;
  /** Sent as the CONNECT packet's auth: `{ token }`. */
  token?: string;
  /**
   * `'batch'` asks the gateway for `seats:changed` frames (a show's changes of a short tick
   * in one frame) instead of one `seat:changed` per change. @defaultValue one frame a change
   */
  frames?: 'batch';
  /** @defaultValue '/socket.io/' */
  path?: string;
  /** Opens the WebSocket (k6: `(url) => new WebSocket(url)`). */
  open: (url: string) => WebSocketLike;
  /** How long an emit waits for its ack. @defaultValue 15000 */
  ackTimeoutMs?: number;
  /** @defaultValue globalThis's */
  timers?: Timers;
}

/** A connect refused by the server: its `data.code` (Holdfast: `UNAUTHENTICATED`). */
export class ConnectError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'ConnectError';
    this.code = code;
  }
}

export class AckTimeoutError extends Error {
  constructor(event: string, ms: number) {
    super(`no ack for ${event} within ${ms} ms`);
    this.name = 'AckTimeoutError';
  }
}

/** Socket.IO packet types (protocol v5, carried by Engine.IO v4 message packets). */
const SIO = { CONNECT: '0', DISCONNECT: '1', EVENT: '2', ACK: '3', CONNECT_ERROR: '4' } as const;
/** Engine.IO v4 packet types. */
const EIO = { OPEN: '0', CLOSE: '1', PING: '2', PONG: '3', MESSAGE: '4' } as const;

export interface DecodedPacket {
  type: string;
  ackId: number | undefined;
  data: unknown;
}

/** Encodes an EVENT (with an ack id if given) as an Engine.IO message frame. */
export function encodeEvent(event: string, payload: unknown, ackId?: number): string {
  return `${EIO.MESSAGE}${SIO.EVENT}${ackId ?? ''}${JSON.stringify([event, payload])}`;
}

/** Decodes the Socket.IO packet inside an Engine.IO message frame (without the leading '4'). */
export function decodeSocketIOPacket(text: string): DecodedPacket {
  const type = text.charAt(0);
  let i = 1;
  // A namespace other than '/' is written as '/name,'; Holdfast uses the default one.
  if (text.charAt(i) === '/') {
    const comma = text.indexOf(',', i);
    i = comma < 0 ? text.length : comma + 1;
  }
  let digits = '';
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57)
    digits += text.charAt(i++);
  const rest = text.slice(i);
  return {
    type,
    ackId: digits === '' ? undefined : Number(digits),
    data: rest === '' ? undefined : JSON.parse(rest),
  };
}

export function socketIOUrl(url: string, path = '/socket.io/'): string {
  const base = url.replace(/^http/, 'ws').replace(/\/+$/, '');
  return `${base}${path}?EIO=4&transport=websocket`;
}

type Handler = (payload: unknown) => void;

export class SocketIOClient {
  readonly #o: SocketIOOptions;
  readonly #timers: Timers;
  readonly #handlers = new Map<string, Handler[]>();
  readonly #acks = new Map<number, { resolve: (value: unknown) => void; timer: unknown }>();
  #ws: WebSocketLike | undefined;
  #nextAck = 0;
  #connected = false;
  #onClose: ((reason: string) => void)[] = [];
  /** Pings answered: Engine.IO liveness, visible for tests and metrics. */
  pongs = 0;

  constructor(options: SocketIOOptions) {
    this.#o = options;
    this.#timers = options.timers ?? (globalThis as unknown as Timers);
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** Opens the transport and the default namespace; rejects with ConnectError if refused. */
  connect(): Promise<{ sid: string }> {
    return new Promise((resolve, reject) => {
      const ws = this.#o.open(socketIOUrl(this.#o.url, this.#o.path));
      this.#ws = ws;
      let settled = false;
      const settle = (error: Error | undefined, value?: { sid: string }) => {
        if (settled) return;
        settled = true;
        if (error) reject(error);
        else resolve(value as { sid: string });
      };
      ws.addEventListener('message', (event) => {
        const data = (event as { data?: unknown }).data;
        if (typeof data !== 'string') return;
        this.#onFrame(data, settle);
      });
      ws.addEventListener('close', () => {
        const was = this.#connected;
        this.#connected = false;
        settle(new ConnectError('connection closed before the namespace was joined', undefined));
        if (was) for (const listener of this.#onClose) listener('transport close');
        for (const [id, ack] of this.#acks) {
          this.#timers.clearTimeout(ack.timer);
          ack.resolve({ ok: false, error: { code: 'DISCONNECTED', message: 'transport closed' } });
          this.#acks.delete(id);
        }
      });
      ws.addEventListener('error', (event) => {
        const message =
          (event as { error?: unknown; message?: unknown }).error ??
          (event as { message?: unknown }).message;
        settle(new ConnectError(`transport error: ${String(message ?? 'unknown')}`, undefined));
      });
    });
  }

  #onFrame(
    frame: string,
    settle: (error: Error | undefined, value?: { sid: string }) => void,
  ): void {
    const kind = frame.charAt(0);
    if (kind === EIO.OPEN) {
      // Handshake done: join the default namespace, with the token as auth.
      const auth =
        this.#o.token === undefined
          ? ''
          : JSON.stringify(
              this.#o.frames === undefined
                ? { token: this.#o.token }
                : { token: this.#o.token, frames: this.#o.frames },
            );
      this.#ws?.send(`${EIO.MESSAGE}${SIO.CONNECT}${auth}`);
    } else if (kind === EIO.PING) {
      this.pongs++;
      this.#ws?.send(EIO.PONG);
    } else if (kind === EIO.CLOSE) {
      this.#ws?.close();
    } else if (kind === EIO.MESSAGE) {
      const packet = decodeSocketIOPacket(frame.slice(1));
      this.#onPacket(packet, settle);
    }
  }

  #onPacket(
    packet: DecodedPacket,
    settle: (error: Error | undefined, value?: { sid: string }) => void,
  ): void {
    switch (packet.type) {
      case SIO.CONNECT:
        this.#connected = true;
        settle(undefined, {
          sid: String((packet.data as { sid?: unknown } | undefined)?.sid ?? ''),
        });
        return;
      case SIO.CONNECT_ERROR: {
        const d = packet.data as { message?: unknown; data?: { code?: unknown } } | undefined;
        settle(
          new ConnectError(
            String(d?.message ?? 'connect refused'),
            typeof d?.data?.code === 'string' ? d.data.code : undefined,
          ),
        );
        this.#ws?.close();
        return;
      }
      case SIO.DISCONNECT:
        this.#connected = false;
        this.#ws?.close();
        return;
      case SIO.EVENT: {
        const [event, ...args] = (packet.data as unknown[]) ?? [];
        for (const handler of this.#handlers.get(String(event)) ?? []) handler(args[0]);
        return;
      }
      case SIO.ACK: {
        const ack = packet.ackId === undefined ? undefined : this.#acks.get(packet.ackId);
        if (!ack || packet.ackId === undefined) return;
        this.#acks.delete(packet.ackId);
        this.#timers.clearTimeout(ack.timer);
        ack.resolve((packet.data as unknown[] | undefined)?.[0]);
        return;
      }
    }
  }

  /** Listens to a server event (`seat:changed`, `show:stats`). */
  on(event: string, handler: Handler): void {
    this.#handlers.set(event, [...(this.#handlers.get(event) ?? []), handler]);
  }

  onClose(listener: (reason: string) => void): void {
    this.#onClose.push(listener);
  }

  /** Emits with an ack; rejects with AckTimeoutError when none comes in time. */
  emitWithAck(event: string, payload: unknown): Promise<unknown> {
    const ws = this.#ws;
    if (!ws || !this.#connected) return Promise.reject(new Error('not connected'));
    const id = this.#nextAck++;
    const ms = this.#o.ackTimeoutMs ?? 15_000;
    return new Promise((resolve, reject) => {
      const timer = this.#timers.setTimeout(() => {
        this.#acks.delete(id);
        reject(new AckTimeoutError(event, ms));
      }, ms);
      this.#acks.set(id, { resolve, timer });
      ws.send(encodeEvent(event, payload, id));
    });
  }

  /** Emits without an ack. */
  emit(event: string, payload: unknown): void {
    this.#ws?.send(encodeEvent(event, payload));
  }

  close(): void {
    if (this.#connected) this.#ws?.send(`${EIO.MESSAGE}${SIO.DISCONNECT}`);
    this.#connected = false;
    this.#ws?.close();
  }
}
