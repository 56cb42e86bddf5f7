/**
 * The history checker: after the faults stop and every hold has had time to end, it checks
 * the invariants of a chaos run against the client history, the `seat-commands` and
 * `seat-events` logs and the read model. Pure: it reads only its input. Each family of
 * checks lives in `invariants/`:
 *
 * 1. `noDoubleSale` — no seat reserved under two holds (or by two users), no two holds of a
 *    seat granted for overlapping log times, no state change out of order (held over a
 *    held or reserved seat; a confirm or release of a hold that is not current).
 * 2. `confirmedKept` — every confirmation a client saw `ok` holds in the final state.
 * 3. `versions` — per seat, the versions of state changes (repeats dropped by event id)
 *    are exactly 1, 2, 3… with no gap and no two changes on one version.
 * 4. `holdsEnd` — every hold ends (confirmed, released or expired) and no later than its
 *    expiry plus `holdEndBoundMs`; none is expired early or confirmed/released after expiry.
 * 5. `oneDecision` — every client command record gets exactly one logical decision: its
 *    events form one decision, no event lacks its command, one `commandId` changes a seat
 *    at most once, and acks match the log.
 * 6. `readModel` — the read model equals the state replayed from the log.
 * 7. `sameIdSameEvent` — every copy of an event id (a replay) says the same thing.
 */
import { checkConfirmedAcks, checkConfirmedKept } from './invariants/confirmations.ts';
import { checkAcksAgainstLog, checkDecisions } from './invariants/decisions.ts';
import { Findings, type Invariant, type Violation } from './invariants/findings.ts';
import { checkReadModel } from './invariants/read-model.ts';
import { checkSameIdSameEvent } from './invariants/same-event.ts';
import {
  checkHoldOverlaps,
  checkHoldsEnd,
  checkTransitions,
  checkVersions,
} from './invariants/seat-history.ts';
import type { CheckInput } from './records.ts';
import { changesBySeat, replayFinalState } from './replay.ts';

export { INVARIANTS, type Invariant, type Violation } from './invariants/findings.ts';

export interface CheckResult {
  readonly violations: readonly Violation[];
  readonly counts: Readonly<Record<Invariant, number>>;
  readonly figures: {
    readonly seatsTouched: number;
    readonly holds: number;
    readonly reservations: number;
    readonly decisions: number;
    /** Longest time a hold outlived its expiry (log time), in ms. */
    readonly maxHoldOverrunMs: number;
  };
}

export function check(input: CheckInput): CheckResult {
  const findings = new Findings();
  const bySeat = changesBySeat(input.events);
  const final = replayFinalState(bySeat);
  checkVersions(bySeat, findings);
  checkTransitions(bySeat, findings);
  checkHoldOverlaps(bySeat, findings);
  checkConfirmedAcks(input.history, findings);
  checkConfirmedKept(input.history, final, findings);
  const maxHoldOverrunMs = checkHoldsEnd(bySeat, input, findings);
  const decisions = checkDecisions(input, findings);
  checkAcksAgainstLog(input, findings);
  checkReadModel(input, final, findings);
  checkSameIdSameEvent(input.events, findings);
  let holds = 0;
  let reservations = 0;
  for (const changes of bySeat.values()) {
    for (const change of changes) {
      if (change.type === 'seat.held') holds++;
      if (change.type === 'seat.reserved') reservations++;
    }
  }
  return {
    violations: findings.list,
    counts: findings.counts,
    figures: { seatsTouched: bySeat.size, holds, reservations, decisions, maxHoldOverrunMs },
  };
}
