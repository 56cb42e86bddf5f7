/**
 * Records that cannot be decoded or validated go to `seat-commands.dlq` as received, with
 * the reason and their origin in headers, so the consumer never stalls on them and an
 * operator can inspect and replay them.
 */
import type { IncomingRecord } from './codec.ts';
import type { OutboundRecord } from './producer.ts';

export interface DeadLetterOrigin {
  topic: string;
  partition: number;
  offset: string;
}

export function deadLetter(
  record: IncomingRecord,
  origin: DeadLetterOrigin,
  reason: string,
): OutboundRecord {
  const headers: Record<string, Buffer | string> = {};
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = first;
  }
  headers['dlq.reason'] = reason.slice(0, 2000);
  headers['dlq.topic'] = origin.topic;
  headers['dlq.partition'] = String(origin.partition);
  headers['dlq.offset'] = origin.offset;
  return { key: record.key, value: record.value, headers };
}
