/**
 * The buyer actor's group hold (docs/design.md §9.4, §9.5), through an in-memory log of one
 * partition: the buyer, its seats and the commands between them.
 */
import { describe, expect, it } from 'vitest';
import {
  type BuyerContext,
  decideBuyer,
  firstByPrecedence,
} from '../../../src/actors/buyer-decide.ts';
import {
  type BuyerState,
  DEFAULT_BUYER_LIMITS,
  heldSeats,
  INITIAL_BUYER_STATE,
} from '../../../src/actors/buyer-state.ts';
import type { BuyerSeatUpdate, TryHold } from '../../../src/contract/buyer-records.ts';
import { BUSY_RETRY_AFTER_MS } from '../../../src/contract/refusals.ts';
import { CAPPED, groupHold } from './buyer-fixtures.ts';
import { holdRequest, SHOW, T0, TTL_MS } from './fixtures.ts';
import { LogHarness } from './log-harness.ts';

function okSeats(log: LogHarness, commandId: string) {
  const [decision] = log.decisionsOf(commandId);
  if (decision?.outcome.ok !== true) throw new Error(`not ok: ${JSON.stringify(decision)}`);
  return decision.outcome.seats;
}

/** Ann's settled group hold of `seatIds`. */
function annHolds(log: LogHarness, seatIds: string[]) {
  log.send(
    groupHold({ userId: 'ann', seatIds, commandId: `ann-${seatIds.join('-')}`, show: log.show }),
  );
  log.drain();
}

describe('group hold', () => {
  it('holds a group of 3 when every seat grants, and answers once with every seat', () => {
    const log = new LogHarness(SHOW);
    const sent = log.send(
      groupHold({ userId: 'ann', seatIds: ['A1', 'A2', 'A3'], commandId: 'g1' }),
    );
    expect(sent.events).toEqual([]);
    expect(sent.commands.map((command) => [command.type, command.commandId])).toEqual([
      ['seat.tryHold', '0-0-0'],
      ['seat.tryHold', '0-0-1'],
      ['seat.tryHold', '0-0-2'],
    ]);
    expect((sent.commands[0] as TryHold).requestId).toBe('0-0');
    log.drain();
    const seats = okSeats(log, 'g1');
    expect(seats.map((seat) => seat.seatId)).toEqual(['A1', 'A2', 'A3']);
    for (const seat of seats) {
      expect(log.system.seat(SHOW.showId, seat.seatId)).toMatchObject({
        status: 'held',
        userId: 'ann',
        holdId: seat.holdId,
        version: seat.version,
        requestId: '0-0',
      });
    }
    expect(log.decisionsOf('g1')).toHaveLength(1);
    const buyer = log.system.buyer(SHOW.showId, 'ann');
    expect(heldSeats(buyer, log.logTime).sort()).toEqual(['A1', 'A2', 'A3']);
    expect(buyer.open).toEqual([]);
  });

  it('refuses SEAT_TAKEN naming the taken seat, and compensates the granted ones', () => {
    const log = new LogHarness(SHOW);
    log.send(holdRequest({ userId: 'bob', seatId: 'A2' }));
    log.send(groupHold({ userId: 'ann', seatIds: ['A1', 'A2', 'A3'], commandId: 'g1' }));
    for (let i = 0; i < 3; i++) log.deliver(); // the three tryHolds
    for (let i = 0; i < 3; i++) log.deliver(); // their answers
    const [decision] = log.decisionsOf('g1');
    expect(decision?.outcome).toEqual({ ok: false, code: 'SEAT_TAKEN', seats: ['A2'] });
    const releases = log.outputs.at(-1)?.commands ?? [];
    expect(releases.map((command) => [command.type, command.seatId])).toEqual([
      ['seat.buyerRelease', 'A1'],
      ['seat.buyerRelease', 'A3'],
    ]);
    // One index sequence per decision: the reply first, then the compensations.
    const base = decision?.eventId.replace(/-0$/, '');
    expect(releases.map((command) => command.commandId)).toEqual([`${base}-1`, `${base}-2`]);
    expect(log.system.buyer(SHOW.showId, 'ann').open).toHaveLength(1); // until compensated
    log.drain();
    expect(log.heldBy('ann', ['A1', 'A2', 'A3'])).toEqual([]);
    expect(log.heldBy('bob', ['A2'])).toEqual(['A2']);
    const buyer = log.system.buyer(SHOW.showId, 'ann');
    expect(buyer.open).toEqual([]);
    expect(heldSeats(buyer, log.logTime)).toEqual([]);
    expect(log.decisionsOf('g1')).toHaveLength(1);
  });

  it('never compensates a seat the caller already held', () => {
    const log = new LogHarness(SHOW);
    annHolds(log, ['A1']);
    const before = log.system.seat(SHOW.showId, 'A1');
    log.send(holdRequest({ userId: 'bob', seatId: 'A3' }));
    log.send(groupHold({ userId: 'ann', seatIds: ['A1', 'A2', 'A3'], commandId: 'g2' }));
    log.drain();
    expect(log.decisionsOf('g2')[0]?.outcome).toEqual({
      ok: false,
      code: 'SEAT_TAKEN',
      seats: ['A3'],
    });
    const released = log.outputs
      .flatMap((output) => output.commands)
      .filter((c) => c.type === 'seat.buyerRelease');
    expect(released.map((command) => command.seatId)).toEqual(['A2']);
    expect(log.system.seat(SHOW.showId, 'A1')).toBe(before);
    expect(log.heldBy('ann', ['A1', 'A2', 'A3'])).toEqual(['A1']);

    // Granted with an already-held seat: the ack carries its existing hold.
    log.send(groupHold({ userId: 'ann', seatIds: ['A1', 'A4'], commandId: 'g3' }));
    log.drain();
    expect(okSeats(log, 'g3')[0]).toMatchObject({
      seatId: 'A1',
      holdId: (before as { holdId: string }).holdId,
    });
  });

  it('refuses BUSY, with retryAfterMs, a request overlapping an open one; decided afresh later', () => {
    const log = new LogHarness(SHOW);
    log.send(groupHold({ userId: 'ann', seatIds: ['A1', 'A2'], commandId: 'g1' }));
    const busy = log.send(groupHold({ userId: 'ann', seatIds: ['A2', 'A3'], commandId: 'g2' }));
    expect(busy.commands).toEqual([]);
    expect(busy.events[0]?.type === 'buyer.decided' && busy.events[0].outcome).toEqual({
      ok: false,
      code: 'BUSY',
      seats: ['A2'],
      retryAfterMs: BUSY_RETRY_AFTER_MS,
    });
    // Another buyer's request for the same seats is no business of ann's.
    expect(log.send(groupHold({ userId: 'bob', seatIds: ['A3'] })).commands).toHaveLength(1);
    log.drain();
    log.send(groupHold({ userId: 'ann', seatIds: ['A2', 'A3'], commandId: 'g2' }));
    log.drain();
    expect(log.decisionsOf('g2').at(-1)?.outcome).toEqual({
      ok: false,
      code: 'SEAT_TAKEN',
      seats: ['A3'],
    });
  });

  it('answers LIMIT_REACHED over the cap on settled holdings, BUSY when only open ones put it over', () => {
    const log = new LogHarness(CAPPED); // cap 3
    annHolds(log, ['A1', 'A2']);
    const over = log.send(groupHold({ userId: 'ann', seatIds: ['A3', 'A4'], show: CAPPED }));
    expect(over.events[0]?.type === 'buyer.decided' && over.events[0].outcome).toEqual({
      ok: false,
      code: 'LIMIT_REACHED',
      seats: ['A3', 'A4'],
    });
    // A seat already held is not counted twice.
    log.send(groupHold({ userId: 'ann', seatIds: ['A1', 'A3'], show: CAPPED, commandId: 'fits' }));
    log.drain();
    expect(okSeats(log, 'fits')).toHaveLength(2);

    const busy = new LogHarness(CAPPED);
    annHolds(busy, ['A1']);
    busy.send(groupHold({ userId: 'ann', seatIds: ['A2', 'A3'], show: CAPPED })); // open
    const pending = busy.send(groupHold({ userId: 'ann', seatIds: ['A4'], show: CAPPED }));
    expect(pending.events[0]?.type === 'buyer.decided' && pending.events[0].outcome).toMatchObject({
      ok: false,
      code: 'BUSY',
      seats: ['A4'],
    });
  });

  it('refuses REQUEST_EXPIRED when the tryHolds reach the seats a hold TTL late', () => {
    const log = new LogHarness(SHOW);
    log.send(groupHold({ userId: 'ann', seatIds: ['A1', 'B1'], commandId: 'g1' }));
    log.logTime += TTL_MS;
    log.drain();
    expect(log.decisionsOf('g1')[0]?.outcome).toEqual({
      ok: false,
      code: 'REQUEST_EXPIRED',
      seats: ['A1', 'B1'],
    });
    expect(log.heldBy('ann', ['A1', 'B1'])).toEqual([]);
  });

  it('makes one hold of a duplicated tryHold, and answers once', () => {
    const log = new LogHarness(SHOW);
    log.send(groupHold({ userId: 'ann', seatIds: ['A1'], commandId: 'g1' }));
    log.deliver(0, true); // the tryHold, and its copy queued behind it
    log.drain();
    const held = log.outputs
      .flatMap((output) => output.events)
      .filter((e) => e.type === 'seat.held');
    expect(held).toHaveLength(1);
    expect(log.decisionsOf('g1')).toHaveLength(1);
    expect(log.heldBy('ann', ['A1'])).toEqual(['A1']);
    expect(
      log.outputs.flatMap((output) => output.commands).some((c) => c.type === 'seat.buyerRelease'),
    ).toBe(false);
  });

  it('refuses UNKNOWN_SEAT naming the seats, and UNKNOWN_SHOW, asking no seat', () => {
    const log = new LogHarness(SHOW);
    const unknown = log.send(groupHold({ userId: 'ann', seatIds: ['A1', 'Z9', 'A99'] }));
    expect(unknown.commands).toEqual([]);
    expect(unknown.events[0]?.type === 'buyer.decided' && unknown.events[0].outcome).toEqual({
      ok: false,
      code: 'UNKNOWN_SEAT',
      seats: ['Z9', 'A99'],
    });
    const noShow = decideBuyer(INITIAL_BUYER_STATE, groupHold({ userId: 'ann', seatIds: ['A1'] }), {
      ...context(0),
      show: undefined,
    });
    expect(noShow.events[0]?.outcome).toMatchObject({ ok: false, code: 'UNKNOWN_SHOW' });
  });

  it('refuses a plain seat:hold in a capped show (it must come through the buyer)', () => {
    const log = new LogHarness(CAPPED);
    const plain = log.send({ ...holdRequest({ userId: 'ann' }), showId: CAPPED.showId });
    expect(plain.events[0]).toMatchObject({ type: 'seat.rejected', reason: 'INVALID_PAYLOAD' });
  });
});

describe('repeats of a request (commandId)', () => {
  it('attaches the route of a repeat of an open request; the answer goes to every route', () => {
    const log = new LogHarness(SHOW);
    log.send(
      groupHold({ userId: 'ann', seatIds: ['A1', 'A2'], commandId: 'g1', correlationId: 'try-1' }),
    );
    const again = log.send(
      groupHold({
        userId: 'ann',
        seatIds: ['A2', 'A1'],
        commandId: 'g1',
        correlationId: 'try-2',
        replyTo: 'gw-2',
      }),
    );
    expect(again).toEqual({ events: [], commands: [] });
    log.drain();
    const decisions = log.decisionsOf('g1');
    expect(decisions.map((d) => [d.correlationId, d.replyTo, d.eventId])).toEqual([
      ['try-1', 'gateway-1', expect.stringMatching(/-0$/)],
      ['try-2', 'gw-2', expect.stringMatching(/-1$/)],
    ]);
    expect(decisions[0]?.outcome).toEqual(decisions[1]?.outcome);
  });

  it('attaches a duplicated record of the same attempt once', () => {
    const log = new LogHarness(SHOW);
    const request = groupHold({ userId: 'ann', seatIds: ['A1'], commandId: 'g1' });
    log.send(request);
    expect(log.send(request)).toEqual({ events: [], commands: [] });
    log.drain();
    expect(log.decisionsOf('g1')).toHaveLength(1);
  });

  it('repeats the decision of a closed request, and of a decided one still compensating', () => {
    const log = new LogHarness(SHOW);
    log.send(holdRequest({ userId: 'bob', seatId: 'A2' }));
    log.send(groupHold({ userId: 'ann', seatIds: ['A1', 'A2'], commandId: 'g1' }));
    for (let i = 0; i < 4; i++) log.deliver(); // decided; A1's compensation not yet answered
    const original = log.decisionsOf('g1')[0];
    const compensating = log.send(
      groupHold({ userId: 'ann', seatIds: ['A1', 'A2'], commandId: 'g1', correlationId: 'c2' }),
    );
    expect(compensating.commands).toEqual([]);
    expect(compensating.events[0]).toMatchObject({
      repeated: true,
      outcome: original?.outcome,
      correlationId: 'c2',
    });
    log.drain();
    const closed = log.send(
      groupHold({ userId: 'ann', seatIds: ['A1', 'A2'], commandId: 'g1', correlationId: 'c3' }),
    );
    expect(closed.commands).toEqual([]);
    expect(closed.events[0]).toMatchObject({
      repeated: true,
      requestId: original?.requestId,
      outcome: original?.outcome,
    });
  });

  it('refuses a commandId reused for other seats INVALID_PAYLOAD, open or closed', () => {
    const log = new LogHarness(SHOW);
    log.send(groupHold({ userId: 'ann', seatIds: ['A1', 'A2'], commandId: 'g1' }));
    const open = log.send(groupHold({ userId: 'ann', seatIds: ['A1'], commandId: 'g1' }));
    expect(open.events[0]?.type === 'buyer.decided' && open.events[0].outcome).toMatchObject({
      code: 'INVALID_PAYLOAD',
    });
    log.drain();
    const closed = log.send(groupHold({ userId: 'ann', seatIds: ['A3'], commandId: 'g1' }));
    expect(closed.commands).toEqual([]);
    expect(closed.events[0]?.type === 'buyer.decided' && closed.events[0].outcome).toMatchObject({
      code: 'INVALID_PAYLOAD',
    });
    expect(log.heldBy('ann', ['A1', 'A2', 'A3'])).toEqual(['A1', 'A2']);
  });
});

function context(offset: number, logTime = T0 + offset): BuyerContext {
  return { logTime, show: CAPPED, eventIdBase: `0-${offset}`, limits: DEFAULT_BUYER_LIMITS };
}

function update(fields: Partial<BuyerSeatUpdate> & { version: number }): BuyerSeatUpdate {
  return {
    type: 'buyer.seatUpdate',
    commandId: `u-${fields.version}`,
    correlationId: 'c',
    replyTo: '',
    showId: CAPPED.showId,
    userId: 'ann',
    sentAt: 0,
    seatId: 'A1',
    status: 'held',
    mine: true,
    holdId: `h-${fields.version}`,
    expiresAt: T0 + TTL_MS,
    ...fields,
  };
}

describe('seat updates', () => {
  it('apply only a newer version: duplicates and reordering never lower the count below the truth', () => {
    let state: BuyerState = INITIAL_BUYER_STATE;
    const apply = (u: BuyerSeatUpdate, offset: number) => {
      state = decideBuyer(state, u, context(offset)).state;
      return heldSeats(state, T0 + offset);
    };
    expect(apply(update({ version: 2 }), 1)).toEqual(['A1']);
    expect(apply(update({ version: 1, status: 'available', mine: false }), 2)).toEqual(['A1']); // stale
    expect(apply(update({ version: 2 }), 3)).toEqual(['A1']); // duplicate
    expect(
      apply(update({ version: 3, status: 'available', mine: false, holdId: undefined }), 4),
    ).toEqual([]);
    expect(apply(update({ version: 2 }), 5)).toEqual([]); // late duplicate of the hold
    expect(apply(update({ version: 4, status: 'reserved', expiresAt: undefined }), 6)).toEqual([
      'A1',
    ]);
  });

  it('do not count a hold past its expiry by log time', () => {
    const { state } = decideBuyer(INITIAL_BUYER_STATE, update({ version: 1 }), context(1));
    expect(heldSeats(state, T0 + TTL_MS - 1)).toEqual(['A1']);
    expect(heldSeats(state, T0 + TTL_MS)).toEqual([]);
  });

  it('release at once a grant for an unknown request, but never a hold the buyer already has', () => {
    const grant = update({ version: 1, answer: { requestId: 'gone', outcome: 'granted' } });
    const first = decideBuyer(INITIAL_BUYER_STATE, grant, context(1));
    expect(first.commands).toMatchObject([
      {
        type: 'seat.buyerRelease',
        seatId: 'A1',
        holdId: 'h-1',
        requestId: 'gone',
        commandId: '0-1-0',
      },
    ]);
    const known = decideBuyer(INITIAL_BUYER_STATE, update({ version: 1 }), context(1)).state;
    expect(decideBuyer(known, grant, context(2)).commands).toEqual([]);
  });

  it('name the first code of the precedence, and the seats with it', () => {
    expect(firstByPrecedence(['SEAT_TAKEN', 'REQUEST_EXPIRED', 'HOLD_EXPIRED'])).toBe(
      'HOLD_EXPIRED',
    );
    expect(firstByPrecedence(['REQUEST_EXPIRED', 'CANCELLED'])).toBe('CANCELLED');
    const request = groupHold({
      userId: 'ann',
      seatIds: ['A1', 'A2', 'A3'],
      show: CAPPED,
      commandId: 'g',
    });
    let { state } = decideBuyer(INITIAL_BUYER_STATE, request, context(0));
    const answers: [string, 'SEAT_TAKEN' | 'REQUEST_EXPIRED'][] = [
      ['A1', 'REQUEST_EXPIRED'],
      ['A2', 'SEAT_TAKEN'],
      ['A3', 'REQUEST_EXPIRED'],
    ];
    let last = decideBuyer(state, update({ version: 0 }), context(1));
    answers.forEach(([seatId, reason], i) => {
      last = decideBuyer(
        state,
        update({
          version: 0,
          seatId,
          status: 'available',
          mine: false,
          holdId: undefined,
          answer: { requestId: '0-0', outcome: 'refused', reason },
        }),
        context(i + 1),
      );
      state = last.state;
    });
    expect(last.events[0]?.outcome).toEqual({ ok: false, code: 'SEAT_TAKEN', seats: ['A2'] });
    expect(state.open).toEqual([]);
  });
});
