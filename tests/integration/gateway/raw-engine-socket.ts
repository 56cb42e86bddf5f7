/**
 * A Socket.IO client written by hand over a bare WebSocket (Engine.IO v4 framing), for what
 * socket.io-client will not send: payloads too deep for its own encoder, or a connection
 * that never completes its handshake. Text frames only.
 */
import WebSocket from 'ws';

export class RawEngineSocket {
  readonly #ws: WebSocket;
  readonly #frames: string[] = [];
  readonly #waiters = new Set<() => void>();
  readonly closed: Promise<void>;
  #nextAck = 1;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
    // A refused or dropped connection also emits `close`, which is what callers wait on.
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      const frame = data.toString();
      // Engine.IO ping: answer, or the server drops the connection.
      if (frame === '2') ws.send('3');
      else this.#frames.push(frame);
      for (const wake of this.#waiters) wake();
    });
  }

  /** The WebSocket open and the Engine.IO open packet received; no Socket.IO connect yet. */
  static async open(httpUrl: string): Promise<RawEngineSocket> {
    const ws = new WebSocket(
      `${httpUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`,
    );
    const socket = new RawEngineSocket(ws);
    await socket.#next((frame) => frame.startsWith('0'));
    return socket;
  }

  /** Connects to the default namespace; resolves with the connect or connect_error packet. */
  async connect(auth: Record<string, unknown>): Promise<{ ok: boolean; packet: unknown }> {
    this.#ws.send(`40${JSON.stringify(auth)}`);
    const frame = await this.#next((f) => f.startsWith('40') || f.startsWith('44'));
    return { ok: frame.startsWith('40'), packet: JSON.parse(frame.slice(2) || 'null') };
  }

  /** Sends `42<id>[<event JSON>,<args JSON>]` as given (no encoding of ours) and awaits its ack. */
  async emitRaw(eventJson: string, argsJson: string): Promise<unknown> {
    const id = this.#nextAck++;
    this.#ws.send(`42${id}[${eventJson},${argsJson}]`);
    const frame = await this.#next((f) => f.startsWith(`43${id}[`));
    return (JSON.parse(frame.slice(`43${id}`.length)) as unknown[])[0];
  }

  close(): void {
    this.#ws.close();
  }

  async #next(matches: (frame: string) => boolean): Promise<string> {
    for (;;) {
      const index = this.#frames.findIndex(matches);
      if (index >= 0) return this.#frames.splice(index, 1)[0] as string;
      if (this.#ws.readyState === WebSocket.CLOSED) throw new Error('connection closed');
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiters.delete(wake);
          resolve();
        };
        this.#waiters.add(wake);
        this.#ws.once('close', wake);
      });
    }
  }
}
