/**
 * The gateway's command path for the `sync` baseline: each command is one HTTP request to
 * the reservation service, and its answer comes back through the gateway's own event sink
 * (broadcast if the seat changed, stats, reply) just as a consumed `seat-events` record
 * would. Everything else in the gateway (auth, validation, rate limit, read model reads,
 * acks) is unchanged.
 */
import { Agent, request } from 'node:http';
import { isStateChange, type SeatCommand } from '../../src/contract/kafka-records.ts';
import type { EventSink } from '../../src/gateway/events-consumer.ts';
import type { CommandPath } from '../../src/gateway/gateway.ts';
import { seatView, storedSeatOf } from '../../src/state/read-model.ts';
import type { SyncDecision } from './reservation-service.ts';

export class HttpCommandPath implements CommandPath {
  readonly #url: URL;
  readonly #sink: EventSink;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 });
  #stopped = false;

  constructor(url: string, sink: EventSink) {
    this.#url = new URL('/decide', url);
    this.#sink = sink;
  }

  get connected(): boolean {
    return !this.#stopped;
  }

  async connect(): Promise<void> {}

  async send(command: SeatCommand): Promise<void> {
    if (this.#stopped) throw new Error('command path stopped');
    const decision = await this.#post(command);
    const { event, changed } = decision;
    if (changed && isStateChange(event)) {
      this.#sink.broadcast({
        ...seatView(event.showId, event.seatId, storedSeatOf(event)),
        eventId: event.eventId,
      });
      this.#sink.statsChanged(event.showId);
    }
    this.#sink.reply(event, true);
  }

  #post(command: SeatCommand): Promise<SyncDecision> {
    const body = JSON.stringify(command);
    return new Promise((resolve, reject) => {
      const req = request(
        this.#url,
        {
          method: 'POST',
          agent: this.#agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
          timeout: 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            if (res.statusCode !== 200) {
              reject(new Error(`reservation service answered ${res.statusCode}`));
              return;
            }
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as SyncDecision);
            } catch (error) {
              reject(error as Error);
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('reservation service timed out')));
      req.on('error', reject);
      req.end(body);
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#agent.destroy();
  }
}
