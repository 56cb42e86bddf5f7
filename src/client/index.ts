/**
 * `holdfast/client`: a typed, promise-based client of the gateway's Socket.IO contract
 * (docs/design.md §5). Every call resolves with the gateway's ack — a refusal is a value
 * (`{ ok: false, error: { code } }`), never an exception — keeps a versioned local seat
 * map per joined show, and joins a show again after a reconnect or once the show's
 * `versionSum` says a change was missed. It asks for batched `seats:changed` frames and
 * applies `seat:changed` as well, so it works with gateways that send either. Given a
 * `getToken`, it renews its token before it expires (`auth:refresh`) and reconnects with a
 * fresh one; with a fixed `token` the session ends with it (`onSessionExpired`).
 *
 * ```ts
 * const client = connectHoldfast({ url: 'http://127.0.0.1:8080', getToken: fetchToken });
 * await client.ready();
 * await client.join('gala');
 * const hold = await client.hold('gala', 'A1');
 * if (hold.ok) await client.confirm('gala', 'A1', hold.holdId);
 * ```
 */
import { io, type Socket } from 'socket.io-client';
import type { Refusal } from '../contract/refusals.ts';
import type { MySeat, SeatChanged, SeatView, ShowStats } from '../contract/seat-views.ts';
import type {
  ClientToServerEvents,
  CommandAck,
  ConfirmAck,
  HandshakeAuth,
  HandshakeErrorData,
  HoldAck,
  JoinAck,
  LeaveAck,
  RefreshAck,
  ReleaseAck,
  SeatCancelled,
  ServerToClientEvents,
} from '../contract/socket-events.ts';
import { HoldfastConnectError, HoldfastSessionExpiredError } from './errors.ts';
import type { CommandOptions, HoldfastClientOptions } from './options.ts';
import { ResyncScheduler } from './resync.ts';
import { LocalSeatMap } from './seat-map.ts';
import { TokenKeeper } from './session.ts';

export type { PublicErrorCode, Refusal, RejectionReason } from '../contract/refusals.ts';
export type {
  MySeat,
  SeatChanged,
  SeatStatus,
  SeatsChanged,
  SeatView,
  ShowStats,
} from '../contract/seat-views.ts';
export type {
  ClientEventName,
  ClientToServerEvents,
  CommandAck,
  ConfirmAck,
  ConfirmPayload,
  HandshakeAuth,
  HandshakeErrorData,
  HoldAck,
  HoldPayload,
  JoinAck,
  JoinPayload,
  LeaveAck,
  LeavePayload,
  RefreshAck,
  ReleaseAck,
  ReleasePayload,
  SeatCancelled,
  ServerToClientEvents,
  SessionExpired,
} from '../contract/socket-events.ts';
export { HoldfastConnectError, HoldfastSessionExpiredError } from './errors.ts';
export type { CommandOptions, HoldfastClientOptions } from './options.ts';
export { LocalSeatMap } from './seat-map.ts';
export { type TokenSource, tokenClaims } from './session.ts';

type Listener<T> = (value: T) => void;

function newCommandId(): string {
  return globalThis.crypto.randomUUID();
}

function isHandshakeError(data: unknown): data is HandshakeErrorData {
  return typeof data === 'object' && data !== null && 'code' in data;
}

export class HoldfastClient {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly #maps = new Map<string, LocalSeatMap>();
  readonly #mine = new Map<string, Map<string, MySeat>>();
  readonly #joined = new Set<string>();
  readonly #seatListeners = new Set<Listener<SeatChanged>>();
  readonly #statsListeners = new Set<Listener<ShowStats>>();
  readonly #rejoinListeners = new Set<Listener<{ showId: string; ack: JoinAck }>>();
  readonly #ackTimeoutMs: number;
  readonly #rejoinRetryMs: number;
  readonly #resync: ResyncScheduler;
  readonly #tokens: TokenKeeper;
  readonly #expiryListeners = new Set<Listener<HoldfastSessionExpiredError>>();
  readonly #cancelListeners = new Set<Listener<SeatCancelled>>();
  /** Set when the session ended for good (a fixed token expired). */
  #expired: HoldfastSessionExpiredError | undefined;
  #connectedOnce = false;
  #closed = false;

  constructor(options: HoldfastClientOptions) {
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 15_000;
    this.#rejoinRetryMs = options.rejoinRetryMs ?? 500;
    this.#resync = new ResyncScheduler({
      timing: {
        settleMs: options.resyncSettleMs ?? 1000,
        minIntervalMs: options.resyncMinIntervalMs ?? 3000,
      },
      localSum: (showId) => this.#maps.get(showId)?.versionSum,
      resync: (showId) => this.#joinAgain(showId).then(() => undefined),
    });
    const source = options.getToken ?? options.token;
    if (source === undefined || (options.getToken && options.token !== undefined)) {
      throw new TypeError('connectHoldfast: give either token or getToken');
    }
    this.#tokens = new TokenKeeper({
      source,
      refresh: (token) => this.#call<RefreshAck>('auth:refresh', { token }),
      refreshBeforeMs: options.refreshBeforeMs ?? 60_000,
      retryMs: options.refreshRetryMs ?? 5000,
    });
    this.socket = io(options.url, {
      transports: ['websocket'],
      ...options.socketOptions,
      auth: (cb) => {
        // Batched frames: fewer, larger messages for the gateway to send and this client to read.
        const auth = (fresh: string): HandshakeAuth => ({ token: fresh, frames: 'batch' });
        this.#tokens.forHandshake().then(
          (fresh) => cb(auth(fresh)),
          () => cb(auth('')),
        );
      },
    });
    this.socket.on('seat:changed', (change) => this.#applyChange(change));
    this.socket.on('seats:changed', (frame) => {
      for (const change of frame.changes) this.#applyChange(change);
    });
    this.socket.on('show:stats', (stats) => {
      const map = this.#maps.get(stats.showId);
      if (map) {
        map.stats = stats;
        this.#resync.report(stats.showId, stats.versionSum);
      }
      for (const listener of this.#statsListeners) listener(stats);
    });
    this.socket.on('seat:cancelled', (notice) => {
      // The seat's own seat:changed (available) updates the maps; this says why.
      this.#mine.get(notice.showId)?.delete(notice.seatId);
      for (const listener of this.#cancelListeners) listener(notice);
    });
    this.socket.on('session:expired', ({ expiredAt }) => {
      const error = new HoldfastSessionExpiredError(expiredAt);
      // With a token source the reconnect below asks it for a fresh token.
      if (!this.#tokens.renewable) this.#expired = error;
      for (const listener of this.#expiryListeners) listener(error);
    });
    this.socket.on('disconnect', (reason) => {
      this.#tokens.disconnected();
      // A server-side disconnect is not retried by socket.io-client on its own.
      if (reason === 'io server disconnect' && !this.#closed && !this.#expired) {
        this.socket.connect();
      }
    });
    this.socket.on('connect', () => {
      this.#tokens.connected();
      if (this.#connectedOnce) {
        for (const showId of this.#joined) void this.#rejoin(showId);
      }
      this.#connectedOnce = true;
    });
  }

  /**
   * Resolves once connected; rejects if the handshake is refused (e.g. `UNAUTHENTICATED`),
   * or with `HoldfastSessionExpiredError` once a fixed token's session has ended.
   */
  ready(): Promise<void> {
    if (this.#expired) return Promise.reject(this.#expired);
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onConnect = () => {
        this.socket.off('connect_error', onError);
        resolve();
      };
      const onError = (error: Error & { data?: unknown }) => {
        this.socket.off('connect', onConnect);
        const data = error.data;
        if (isHandshakeError(data)) {
          reject(new HoldfastConnectError(data.code, data.message));
        } else {
          reject(new HoldfastConnectError('CONNECT_FAILED', error.message));
        }
      };
      this.socket.once('connect', onConnect);
      this.socket.once('connect_error', onError);
    });
  }

  /** Joins a show: its full seat map, its stats and the caller's own seats. */
  async join(showId: string): Promise<JoinAck> {
    const ack = await this.#call<JoinAck>('show:join', { showId });
    if (ack.ok) {
      this.#joined.add(showId);
      this.#loadJoin(showId, ack);
    }
    return ack;
  }

  async leave(showId: string): Promise<LeaveAck> {
    this.#joined.delete(showId);
    this.#resync.forget(showId);
    const ack = await this.#call<LeaveAck>('show:leave', { showId });
    if (ack.ok) {
      this.#maps.delete(showId);
      this.#mine.delete(showId);
    }
    return ack;
  }

  async hold(showId: string, seatId: string, options: CommandOptions = {}): Promise<HoldAck> {
    const commandId = options.commandId ?? newCommandId();
    const ack = await this.#call<HoldAck>('seat:hold', { showId, seatId, commandId });
    if (ack.ok) this.#ownSeat(ack.seat, ack.holdId);
    return ack;
  }

  async confirm(
    showId: string,
    seatId: string,
    holdId: string,
    options: CommandOptions = {},
  ): Promise<ConfirmAck> {
    const commandId = options.commandId ?? newCommandId();
    const ack = await this.#call<ConfirmAck>('seat:confirm', { showId, seatId, holdId, commandId });
    if (ack.ok) this.#ownSeat(ack.seat, holdId);
    return ack;
  }

  async release(
    showId: string,
    seatId: string,
    holdId: string,
    options: CommandOptions = {},
  ): Promise<ReleaseAck> {
    const commandId = options.commandId ?? newCommandId();
    const ack = await this.#call<ReleaseAck>('seat:release', { showId, seatId, holdId, commandId });
    if (ack.ok) this.#ownSeat(ack.seat, holdId);
    return ack;
  }

  /** The local seat map of a joined show (seats not yet seen are absent). */
  seats(showId: string): SeatView[] {
    return this.#maps.get(showId)?.all() ?? [];
  }

  seat(showId: string, seatId: string): SeatView | undefined {
    return this.#maps.get(showId)?.get(seatId);
  }

  stats(showId: string): ShowStats | undefined {
    return this.#maps.get(showId)?.stats;
  }

  /** The caller's own holds and reservations in a joined show, as last known. */
  mine(showId: string): MySeat[] {
    return [...(this.#mine.get(showId)?.values() ?? [])];
  }

  /** Called for every change applied to a local map (newer versions only). */
  onSeatChanged(listener: Listener<SeatChanged>): () => void {
    this.#seatListeners.add(listener);
    return () => this.#seatListeners.delete(listener);
  }

  /** Called when an operator cancelled one of this user's holds or reservations. */
  onSeatCancelled(listener: Listener<SeatCancelled>): () => void {
    this.#cancelListeners.add(listener);
    return () => this.#cancelListeners.delete(listener);
  }

  onStats(listener: Listener<ShowStats>): () => void {
    this.#statsListeners.add(listener);
    return () => this.#statsListeners.delete(listener);
  }

  /** Called after each automatic re-join (after a reconnect, or a missed change). */
  onRejoin(listener: Listener<{ showId: string; ack: JoinAck }>): () => void {
    this.#rejoinListeners.add(listener);
    return () => this.#rejoinListeners.delete(listener);
  }

  /**
   * Called when the gateway ends the session because its token expired. With `getToken` the
   * client then reconnects with a fresh token; with a fixed token it stays disconnected and
   * every call answers `UNAUTHENTICATED`.
   */
  onSessionExpired(listener: Listener<HoldfastSessionExpiredError>): () => void {
    this.#expiryListeners.add(listener);
    return () => this.#expiryListeners.delete(listener);
  }

  close(): void {
    this.#closed = true;
    this.#tokens.disconnected();
    this.#resync.forget();
    this.socket.close();
  }

  async #rejoin(showId: string): Promise<void> {
    while (!this.#closed && this.#joined.has(showId) && this.socket.connected) {
      const ack = await this.#joinAgain(showId);
      if (ack.ok || (ack.error.code !== 'UNAVAILABLE' && ack.error.code !== 'TIMEOUT')) return;
      await new Promise((resolve) => setTimeout(resolve, this.#rejoinRetryMs));
    }
  }

  /** One `show:join` of a joined show, on the same socket, told to the rejoin listeners. */
  async #joinAgain(showId: string): Promise<JoinAck> {
    const ack = await this.#call<JoinAck>('show:join', { showId });
    if (ack.ok && this.#joined.has(showId)) this.#loadJoin(showId, ack);
    for (const listener of this.#rejoinListeners) listener({ showId, ack });
    return ack;
  }

  #applyChange(change: SeatChanged): void {
    const map = this.#maps.get(change.showId);
    if (!map?.apply(change)) return;
    this.#trackMine(change);
    for (const listener of this.#seatListeners) listener(change);
  }

  #loadJoin(showId: string, ack: Extract<JoinAck, { ok: true }>): void {
    const map = this.#maps.get(showId) ?? new LocalSeatMap();
    this.#maps.set(showId, map);
    for (const seat of ack.show.seats) map.apply(seat);
    map.stats = ack.show.stats;
    this.#mine.set(showId, new Map(ack.mine.map((seat) => [seat.seatId, seat])));
  }

  #ownSeat(seat: SeatView, holdId: string): void {
    this.#maps.get(seat.showId)?.apply(seat);
    const mine = this.#mine.get(seat.showId) ?? new Map<string, MySeat>();
    this.#mine.set(seat.showId, mine);
    if (seat.status === 'available') mine.delete(seat.seatId);
    else mine.set(seat.seatId, { ...seat, holdId });
  }

  /** Someone else's change to one of "my" seats means it is no longer mine. */
  #trackMine(change: SeatChanged): void {
    const mine = this.#mine.get(change.showId);
    const own = mine?.get(change.seatId);
    if (!mine || !own || own.version >= change.version) return;
    if (change.status === 'available') mine.delete(change.seatId);
    else if (change.status === 'reserved' && own.status === 'held') {
      // Our own confirmation broadcast (the ack may come after it): keep the holdId.
      mine.set(change.seatId, { ...own, status: 'reserved', version: change.version });
    }
  }

  async #call<A extends JoinAck | LeaveAck | CommandAck | RefreshAck>(
    event: keyof ClientToServerEvents,
    payload: object,
  ): Promise<A> {
    if (this.#expired) {
      const refusal: Refusal = {
        ok: false,
        error: { code: 'UNAUTHENTICATED', message: this.#expired.message },
      };
      return refusal as A;
    }
    try {
      // The untyped view: payloads are typed by the public methods above.
      const untyped = this.socket as unknown as Socket;
      return (await untyped.timeout(this.#ackTimeoutMs).emitWithAck(event, payload)) as A;
    } catch {
      const refusal: Refusal = {
        ok: false,
        error: {
          code: 'TIMEOUT',
          message: `no answer within ${this.#ackTimeoutMs} ms; the outcome is unknown`,
        },
      };
      return refusal as A;
    }
  }
}

/** Connects to a gateway. Call `ready()` to wait for the handshake. */
export function connectHoldfast(options: HoldfastClientOptions): HoldfastClient {
  return new HoldfastClient(options);
}
