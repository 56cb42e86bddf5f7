/**
 * asyncapi.yaml is the public contract (docs/design.md §5.11): the AsyncAPI parser must accept it, and
 * it must say exactly what the code does — every payload schema equal to the JSON Schema of
 * the code's own zod schema, every record type, Socket.IO event, error code, topic, config
 * and group of the code present — so any drift between code and contract fails CI.
 */
import { readFileSync } from 'node:fs';
import { type AsyncAPIDocumentInterface, DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultPartitions, topicConfiguration } from '../../../scripts/asyncapi/document.ts';
import { ASYNCAPI_FILE, renderAsyncApi } from '../../../scripts/asyncapi/render.ts';
import {
  COMMAND_SCHEMAS,
  contractSchemas,
  EVENT_SCHEMAS,
  type JsonSchema,
  jsonSchemaOf,
} from '../../../scripts/asyncapi/schemas.ts';
import { seatKey } from '../../../src/contract/ids.ts';
import {
  SEAT_COMMAND_TYPES,
  SEAT_EVENT_TYPES,
  TYPE_HEADER,
} from '../../../src/contract/kafka-records.ts';
import { PUBLIC_ERROR_CODES, REJECTION_REASONS } from '../../../src/contract/refusals.ts';
import { SHOW_RECORD_TYPE, ShowDefinitionSchema } from '../../../src/contract/shows.ts';
import {
  ACK_SCHEMAS,
  BROADCAST_SCHEMAS,
  CLIENT_EVENTS,
  CLIENT_PAYLOAD_SCHEMAS,
  HandshakeErrorSchema,
  SESSION_EVENT_SCHEMAS,
} from '../../../src/contract/socket-events.ts';
import { groupNames, topicNames, topicSpecs } from '../../../src/kafka/topics.ts';

const text = readFileSync(ASYNCAPI_FILE, 'utf8');
/** The file as written (refs unresolved), for structural checks. */
const raw = parse(text) as {
  channels: Record<string, { address: string; bindings?: { kafka?: Record<string, unknown> } }>;
  components: {
    schemas: Record<string, JsonSchema>;
    messages: Record<string, { payload: JsonSchema; headers?: JsonSchema; bindings?: unknown }>;
  };
};

/** The parser adds `x-parser-*` bookkeeping to every schema it resolves; the code has none. */
function withoutParserKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutParserKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !key.startsWith('x-parser-'))
      .map(([key, inner]) => [key, withoutParserKeys(inner)]),
  );
}

let document: AsyncAPIDocumentInterface;

beforeAll(async () => {
  const { document: parsed, diagnostics } = await new Parser().parse(text);
  const problems = diagnostics.filter(
    (d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning,
  );
  expect(problems.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
  expect(parsed).toBeDefined();
  document = parsed as AsyncAPIDocumentInterface;
});

/** The resolved payload of the message `name` in channel `address`, as the parser sees it. */
function payloadOf(address: string, name: string): unknown {
  const channel = document
    .channels()
    .all()
    .find((c) => c.address() === address);
  expect(channel, `channel ${address}`).toBeDefined();
  const message = channel
    ?.messages()
    .all()
    .find((m) => m.name() === name);
  expect(message, `message ${name} in ${address}`).toBeDefined();
  return withoutParserKeys(message?.payload()?.json());
}

describe('asyncapi.yaml', () => {
  it('is AsyncAPI 3.0 and what `npm run contract:generate` writes today', () => {
    expect(document.version()).toBe('3.0.0');
    expect(text).toBe(renderAsyncApi());
  });

  it('holds exactly the schemas generated from the code', () => {
    expect(raw.components.schemas).toEqual(contractSchemas());
  });

  it('gives every Kafka record type the code schema, its type header and its key', () => {
    const topics = topicNames();
    for (const type of SEAT_COMMAND_TYPES) {
      expect(payloadOf(topics.commands, type)).toEqual(jsonSchemaOf(COMMAND_SCHEMAS[type].schema));
    }
    for (const type of SEAT_EVENT_TYPES) {
      expect(payloadOf(topics.events, type)).toEqual(jsonSchemaOf(EVENT_SCHEMAS[type].schema));
    }
    expect(payloadOf(topics.shows, SHOW_RECORD_TYPE)).toEqual(jsonSchemaOf(ShowDefinitionSchema));

    for (const type of [...SEAT_COMMAND_TYPES, ...SEAT_EVENT_TYPES, SHOW_RECORD_TYPE]) {
      const message = raw.components.messages[type];
      expect(message?.headers?.properties).toEqual({
        [TYPE_HEADER]: expect.objectContaining({ const: type }),
      });
    }
    // The seat key pattern takes what seatKey makes and nothing that merely looks like it.
    const keyOf = (type: string) => {
      const bindings = raw.components.messages[type]?.bindings as
        | { kafka: { key: { pattern: string } } }
        | undefined;
      return bindings?.kafka.key.pattern ?? 'missing';
    };
    for (const type of [...SEAT_COMMAND_TYPES, ...SEAT_EVENT_TYPES]) {
      const pattern = new RegExp(keyOf(type));
      expect(pattern.test(seatKey('show-1', 'AA12'))).toBe(true);
      expect(pattern.test('show-1:AA12')).toBe(false);
      expect(pattern.test('show-1/a1')).toBe(false);
    }
  });

  it('gives every Socket.IO event the code payload and ack schemas', () => {
    for (const event of CLIENT_EVENTS) {
      expect(payloadOf(event, event)).toEqual(jsonSchemaOf(CLIENT_PAYLOAD_SCHEMAS[event]));
      expect(payloadOf(event, `${event} ack`)).toEqual(jsonSchemaOf(ACK_SCHEMAS[event]));
      // The ack is the reply of the operation that receives the event.
      const operation = document
        .operations()
        .all()
        .find((op) => op.channels().all()[0]?.address() === event && op.action() === 'receive');
      expect(operation?.reply()?.messages().all()[0]?.name()).toBe(`${event} ack`);
    }
    for (const event of Object.keys(BROADCAST_SCHEMAS) as (keyof typeof BROADCAST_SCHEMAS)[]) {
      expect(payloadOf(event, event)).toEqual(jsonSchemaOf(BROADCAST_SCHEMAS[event]));
    }
    expect(payloadOf('session:expired', 'session:expired')).toEqual(
      jsonSchemaOf(SESSION_EVENT_SCHEMAS['session:expired']),
    );
    expect(payloadOf('connect_error', 'UNAUTHENTICATED')).toEqual(
      jsonSchemaOf(HandshakeErrorSchema),
    );
  });

  it('names every error code, rejection reason and the handshake refusal', () => {
    const refusal = raw.components.schemas.SeatHoldAck as { oneOf: JsonSchema[] };
    const codes = JSON.stringify(refusal.oneOf[1]);
    for (const code of PUBLIC_ERROR_CODES) expect(codes).toContain(`"${code}"`);
    const rejected = JSON.stringify(raw.components.schemas.SeatRejected);
    for (const reason of REJECTION_REASONS) expect(rejected).toContain(`"${reason}"`);
    expect(text).toContain('UNAUTHENTICATED');
    expect(Object.keys(document.components().securitySchemes().all())).toHaveLength(1);
  });

  it('describes each topic with the partitions and configs the code creates it with', () => {
    const partitions = defaultPartitions();
    const specs = topicSpecs(topicNames(), partitions);
    const byAddress = new Map(Object.values(raw.channels).map((c) => [c.address, c]));
    for (const spec of specs) {
      expect(byAddress.get(spec.topic)?.bindings?.kafka).toEqual({
        topic: spec.topic,
        partitions: spec.numPartitions,
        topicConfiguration: topicConfiguration(spec),
        bindingVersion: '0.5.0',
      });
    }
    const commands = byAddress.get(topicNames().commands)?.bindings?.kafka;
    expect(commands?.topicConfiguration).toMatchObject({
      'message.timestamp.type': 'LogAppendTime',
      'retention.ms': -1,
      'retention.bytes': -1,
    });
    expect(byAddress.get(topicNames().shows)?.bindings?.kafka?.topicConfiguration).toMatchObject({
      'cleanup.policy': ['delete'],
      'retention.ms': -1,
      'retention.bytes': -1,
    });
  });

  it('names both consumer groups on the operations that consume', () => {
    const groups = document
      .operations()
      .all()
      .flatMap((op) => op.bindings().all())
      .map((binding) => JSON.stringify(binding.value()));
    for (const group of Object.values(groupNames())) {
      expect(groups.some((g) => g.includes(`"${group}"`))).toBe(true);
    }
  });

  it('has a channel for every Socket.IO event and every topic, and nothing else', () => {
    const addresses = document
      .channels()
      .all()
      .map((c) => c.address())
      .sort();
    expect(addresses).toEqual(
      [
        ...Object.values(topicNames()),
        ...CLIENT_EVENTS,
        ...Object.keys(BROADCAST_SCHEMAS),
        ...Object.keys(SESSION_EVENT_SCHEMAS),
        'connect_error',
      ].sort(),
    );
  });
});
