/** 6: every seat of every show as the read model stores it equals the state replayed from the log. */
import { seatIdsOf } from '../../src/contract/seat-layout.ts';
import type { StoredSeat } from '../../src/state/read-model.ts';
import type { CheckInput } from '../records.ts';
import { type ReplayedSeat, seatKeyOf } from '../replay.ts';
import type { Findings } from './findings.ts';

export function checkReadModel(
  input: Pick<CheckInput, 'shows' | 'readModel'>,
  final: ReadonlyMap<string, ReplayedSeat>,
  findings: Findings,
): void {
  for (const show of input.shows) {
    const model = input.readModel.get(show.showId);
    let held = 0;
    let reserved = 0;
    for (const seatId of seatIdsOf(show)) {
      const key = seatKeyOf(show.showId, seatId);
      const expected = final.get(key) ?? { status: 'available', version: 0 };
      if (expected.status === 'held') held++;
      if (expected.status === 'reserved') reserved++;
      const stored = model?.seats.get(seatId);
      const problem = readModelDifference(expected, stored);
      if (problem) findings.add('readModel', problem, key);
    }
    const counts = model?.counts ?? { held: 0, reserved: 0 };
    if (counts.held !== held || counts.reserved !== reserved) {
      findings.add(
        'readModel',
        `counts held ${counts.held} / reserved ${counts.reserved}, replayed ${held} / ${reserved}`,
        show.showId,
      );
    }
  }
}

function readModelDifference(
  expected: ReplayedSeat,
  stored: StoredSeat | undefined,
): string | undefined {
  const actual: ReplayedSeat = stored ?? { status: 'available', version: 0 };
  const fields: (keyof ReplayedSeat)[] = ['status', 'version'];
  if (expected.status !== 'available') fields.push('holdId', 'userId');
  if (expected.status === 'held') fields.push('expiresAt');
  const differing = fields.filter((field) => expected[field] !== actual[field]);
  if (differing.length === 0) return undefined;
  return `read model ${differing.map((f) => `${f}=${String(actual[f])}`).join(' ')}, log says ${differing.map((f) => `${f}=${String(expected[f])}`).join(' ')}`;
}
