/**
 * `sameIdSameEvent`: an event id names one decision. A worker that replays part of the log
 * (after a Redis loss, a rebalance, a retried batch) produces the same events again under
 * the same ids, which is harmless only if every copy says the same thing: a copy that
 * differs means a worker decided from a state the log does not imply, and readers that
 * keep the first copy and readers that keep the last disagree.
 */
import type { SeatEvent } from '../../src/contract/kafka-records.ts';
import type { LoggedEvent } from '../records.ts';
import { seatKeyOf } from '../replay.ts';
import type { Findings } from './findings.ts';

/**
 * What a decision says. Routing and timing fields (`correlationId`, `replyTo`,
 * `causationId`, `occurredAt`) are left out: they come from the causing command record.
 */
const CONTENT_FIELDS = [
  'type',
  'showId',
  'seatId',
  'userId',
  'commandId',
  'version',
  'holdId',
  'expiresAt',
  'cause',
  'reason',
  'decision',
] as const;

function fieldText(event: SeatEvent, field: (typeof CONTENT_FIELDS)[number]): string {
  const value: unknown = (event as Partial<Record<string, unknown>>)[field];
  if (value === undefined) return '-';
  if (typeof value === 'object' && value !== null) {
    // The repeat's decision: compared field by field, whatever order its keys came in.
    return JSON.stringify(value, Object.keys(value).sort());
  }
  return String(value);
}

export function checkSameIdSameEvent(events: readonly LoggedEvent[], findings: Findings): void {
  const first = new Map<string, LoggedEvent>();
  for (const logged of events) {
    const { event } = logged;
    const original = first.get(event.eventId);
    if (!original) {
      first.set(event.eventId, logged);
      continue;
    }
    const differing = CONTENT_FIELDS.filter(
      (field) => fieldText(original.event, field) !== fieldText(event, field),
    );
    if (differing.length === 0) continue;
    const show = (of: LoggedEvent) =>
      differing.map((field) => `${field}=${fieldText(of.event, field)}`).join(' ');
    findings.add(
      'sameIdSameEvent',
      `event ${event.eventId} at ${original.partition}-${original.offset} says ${show(original)}, its copy at ${logged.partition}-${logged.offset} says ${show(logged)}`,
      seatKeyOf(original.event.showId, original.event.seatId),
    );
  }
}
