/**
 * k6's `k6/websockets` WebSocket API (constructor, readyState, send, close,
 * addEventListener with `{ data, type }` message events) on top of `ws`, so the k6
 * protocol helper runs in Node against a real server exactly as it would under k6.
 */
import WebSocket from 'ws';
import type { WebSocketLike } from '../../../benchmarks/k6/lib/socketio.ts';

type Listener = (event: unknown) => void;

export class K6WebSocketAdapter implements WebSocketLike {
  readonly #ws: WebSocket;
  /** Frames sent, in order (tests look at the protocol on the wire). */
  readonly sent: string[] = [];

  constructor(url: string) {
    this.#ws = new WebSocket(url);
  }

  get readyState(): number {
    return this.#ws.readyState;
  }

  send(data: string): void {
    this.sent.push(data);
    this.#ws.send(data);
  }

  close(code?: number, reason?: string): void {
    this.#ws.close(code ?? 1000, reason);
  }

  addEventListener(event: 'open' | 'message' | 'close' | 'error', listener: Listener): void {
    switch (event) {
      case 'open':
        this.#ws.on('open', () => listener({ type: 'open' }));
        return;
      case 'message':
        // k6 hands text frames over as strings.
        this.#ws.on('message', (data, isBinary) =>
          listener({ type: 'message', data: isBinary ? data : data.toString() }),
        );
        return;
      case 'close':
        this.#ws.on('close', (code, reason) =>
          listener({ type: 'close', code, reason: reason.toString() }),
        );
        return;
      case 'error':
        this.#ws.on('error', (error) => listener({ type: 'error', error: error.message }));
        return;
    }
  }
}
