/**
 * Malformed input never crashes a gateway nor reaches Kafka: each payload gets its refusal
 * code (docs/design.md §5.3), a flood is rate limited (never disconnected), and afterwards the same socket still
 * holds a seat.
 */
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import type { GatewayHandle } from '../../../src/gateway/gateway.ts';
import { waitFor } from '../../support/wait.ts';
import { GatewayTestbed } from './gateway-testbed.ts';

interface Answer {
  ok: boolean;
  error?: { code: string; message: string };
  holdId?: string;
}

/** Emits raw arguments with an ack and resolves with the answer. */
function ask(socket: Socket, event: string, ...args: unknown[]): Promise<Answer> {
  return socket.timeout(30_000).emitWithAck(event, ...args) as Promise<Answer>;
}

/** Asks again while the answer is RATE_LIMITED (the limiter serves again within 5 s). */
async function askPatiently(socket: Socket, event: string, ...args: unknown[]): Promise<Answer> {
  for (;;) {
    const answer = await ask(socket, event, ...args);
    if (answer.error?.code !== 'RATE_LIMITED') return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('bad input', () => {
  let tb: GatewayTestbed;
  let gw: GatewayHandle;
  let show: ShowDefinition;

  beforeAll(async () => {
    ({
      tb,
      gateway: gw,
      show,
    } = await GatewayTestbed.oneGateway({ layout: { rows: 2, seatsPerRow: 5 } }));
  });
  afterAll(() => tb?.close());

  const connected = async (userId: string) => {
    const socket = tb.rawSocket(gw.url, { token: await tb.token(userId) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  };

  it('answers each malformed payload with its code and produces nothing', async () => {
    const s = show.showId;
    const table: Array<[string, string, unknown[], string]> = [
      ['no payload', 'seat:hold', [], 'INVALID_PAYLOAD'],
      ['a string', 'seat:hold', ['A1'], 'INVALID_PAYLOAD'],
      ['null', 'show:join', [null], 'INVALID_PAYLOAD'],
      ['an array', 'show:join', [[s]], 'INVALID_PAYLOAD'],
      ['two payloads', 'show:join', [{ showId: s }, { showId: s }], 'INVALID_PAYLOAD'],
      ['a missing seatId', 'seat:hold', [{ showId: s }], 'INVALID_PAYLOAD'],
      ['a numeric seatId', 'seat:hold', [{ showId: s, seatId: 1 }], 'INVALID_PAYLOAD'],
      [
        'an extra field',
        'seat:hold',
        [{ showId: s, seatId: 'A1', userId: 'x' }],
        'INVALID_PAYLOAD',
      ],
      [
        'a 65-char commandId',
        'seat:hold',
        [{ showId: s, seatId: 'A1', commandId: 'c'.repeat(65) }],
        'INVALID_PAYLOAD',
      ],
      [
        'a confirm without holdId',
        'seat:confirm',
        [{ showId: s, seatId: 'A1' }],
        'INVALID_PAYLOAD',
      ],
      [
        'a release with an object holdId',
        'seat:release',
        [{ showId: s, seatId: 'A1', holdId: {} }],
        'INVALID_PAYLOAD',
      ],
      ['an unknown event', 'seat:steal', [{ showId: s, seatId: 'A1' }], 'INVALID_PAYLOAD'],
      ['a binary payload', 'seat:hold', [Buffer.from('A1')], 'INVALID_PAYLOAD'],
      ['a 64 KiB string', 'show:join', [{ showId: 'x'.repeat(64 * 1024 - 64) }], 'INVALID_PAYLOAD'],
      ['an unknown show', 'seat:hold', [{ showId: 'no-such-show', seatId: 'A1' }], 'UNKNOWN_SHOW'],
      ['an unknown show on join', 'show:join', [{ showId: 'no-such-show' }], 'UNKNOWN_SHOW'],
      ['a row past the layout', 'seat:hold', [{ showId: s, seatId: 'C1' }], 'UNKNOWN_SEAT'],
      ['a seat past the row', 'seat:hold', [{ showId: s, seatId: 'A6' }], 'UNKNOWN_SEAT'],
    ];
    const socket = await connected('tester');
    const commandsBefore = await commandCount(tb);
    for (const [label, event, args, code] of table) {
      const answer = await askPatiently(socket, event, ...args);
      expect({ label, answer }).toMatchObject({ label, answer: { ok: false, error: { code } } });
    }
    expect(socket.connected).toBe(true);
    expect(await commandCount(tb)).toBe(commandsBefore);
  });

  it('after 1,000 malformed messages the same socket still holds a seat', async () => {
    const socket = await connected('flooder');
    const codes = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const answer = await ask(socket, 'seat:hold', { showId: show.showId, seatId: i });
      codes.add(answer.error?.code ?? 'ok');
    }
    // A socket sending far over 20 a second is limited, never disconnected.
    expect([...codes].sort()).toEqual(['INVALID_PAYLOAD', 'RATE_LIMITED']);
    expect(socket.connected).toBe(true);
    const hold = await askPatiently(socket, 'seat:hold', { showId: show.showId, seatId: 'B5' });
    expect(hold).toMatchObject({ ok: true, holdId: expect.any(String) });
  });

  it('never limits a socket that waits for each answer at up to 20 a second', async () => {
    const socket = await connected('polite');
    for (let i = 0; i < 30; i++) {
      const started = Date.now();
      const answer = await ask(socket, 'show:join', { showId: show.showId });
      expect(answer.ok).toBe(true);
      const wait = 50 - (Date.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  });

  it('makes a show created while it runs joinable', async () => {
    const later = await tb.bed.createShow({ rows: 1, seatsPerRow: 2 });
    const socket = await connected('newcomer');
    await waitFor(async () => (await ask(socket, 'show:join', { showId: later.showId })).ok, {
      what: 'the new show joinable',
    });
  });
});

async function commandCount(tb: GatewayTestbed): Promise<number> {
  const admin = tb.bed.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(tb.bed.topics.commands);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}
