/**
 * The whole AsyncAPI 3.0 document of Holdfast, built from the code: topic names, configs and
 * groups from src/kafka/topics.ts; record types, schemas, Socket.IO events and error codes
 * from src/contract/. Only the prose lives here.
 */

import { kafkaShape, parseEnv } from '../../src/config/env.ts';
import { ID_PATTERN, SEAT_ID_PATTERN } from '../../src/contract/ids.ts';
import {
  SEAT_COMMAND_TYPES,
  SEAT_EVENT_TYPES,
  type SeatCommandType,
  TYPE_HEADER,
} from '../../src/contract/kafka-records.ts';
import { PUBLIC_ERROR_CODES } from '../../src/contract/refusals.ts';
import { SHOW_RECORD_TYPE } from '../../src/contract/shows.ts';
import { CLIENT_EVENTS, type ClientEventName } from '../../src/contract/socket-events.ts';
import { groupNames, type TopicSpec, topicNames, topicSpecs } from '../../src/kafka/topics.ts';
import {
  ackSchemaName,
  broadcastSchemaName,
  COMMAND_SCHEMAS,
  contractSchemas,
  EVENT_SCHEMAS,
  HANDSHAKE_SCHEMA_NAME,
  type JsonSchema,
  payloadSchemaName,
  SHOW_SCHEMA_NAME,
  socketEventName,
} from './schemas.ts';

const KAFKA_BINDING = '0.5.0';

/** The partition count a deployment gets unless HOLDFAST_PARTITIONS says otherwise. */
export function defaultPartitions(): number {
  return parseEnv(kafkaShape, { KAFKA_BROKERS: 'localhost:9092' }).HOLDFAST_PARTITIONS;
}

const ref = (path: string) => ({ $ref: path });
const schemaRef = (name: string) => ref(`#/components/schemas/${name}`);

/** A regex's source without its anchors, to compose the key pattern from the id patterns. */
const unanchored = (pattern: RegExp) => pattern.source.replace(/^\^/, '').replace(/\$$/, '');

export const SEAT_KEY_SCHEMA: JsonSchema = {
  type: 'string',
  description: '`showId/seatId`: every record of one seat lands in one partition.',
  pattern: `^${unanchored(ID_PATTERN)}/${unanchored(SEAT_ID_PATTERN)}$`,
};

export const SHOW_KEY_SCHEMA: JsonSchema = {
  type: 'string',
  description: 'The showId. The first record of a showId is the show; later ones are ignored.',
  pattern: ID_PATTERN.source,
};

/** The Kafka topic configs of a spec, typed the way the Kafka channel binding wants them. */
export function topicConfiguration(spec: TopicSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(spec.configs)) {
    if (name === 'cleanup.policy') out[name] = value.split(',');
    else if (/^-?\d+$/.test(value)) out[name] = Number(value);
    else out[name] = value;
  }
  return out;
}

function typeHeaders(type: string): JsonSchema {
  return {
    type: 'object',
    required: [TYPE_HEADER],
    properties: {
      [TYPE_HEADER]: {
        type: 'string',
        const: type,
        description: 'The record type, equal to the body `type` (a mismatch is dead-lettered).',
      },
    },
  };
}

function kafkaMessage(
  type: string,
  schemaName: string,
  summary: string,
  key: JsonSchema,
): Record<string, unknown> {
  return {
    name: type,
    title: type,
    summary,
    contentType: 'application/json',
    headers: typeHeaders(type),
    payload: schemaRef(schemaName),
    bindings: { kafka: { key, bindingVersion: KAFKA_BINDING } },
  };
}

const COMMAND_SUMMARIES: Record<SeatCommandType, string> = {
  'seat.holdRequest': 'A user asks to hold a seat (from a gateway).',
  'seat.confirmationRequest': 'The holder asks to turn a hold into a reservation.',
  'seat.releaseRequest': 'The holder gives a hold back.',
  'seat.holdExpiry':
    "A worker's timer says a hold reached its expiry; decided in log order like any command.",
  'seat.cancelRequest':
    'An operator cancels whatever holds or owns the seat (`holdfast seats cancel`), with a reason told to the owner.',
};

const EVENT_SUMMARIES: Record<(typeof SEAT_EVENT_TYPES)[number], string> = {
  'seat.held': 'The seat is held; `holdId` is this event id, `expiresAt` the log-time deadline.',
  'seat.reserved': 'The hold became a reservation: final.',
  'seat.released':
    'The seat is available again: by its holder (`released`), by expiry, or by an operator (`cancelled`, with `reason` and `ownerId`).',
  'seat.rejected': 'The command was refused with a business `reason`; no state changed.',
  'seat.decisionRepeated':
    'Answers a repeated commandId with the original decision; changes nothing, never broadcast.',
};

const SOCKET_SUMMARIES: Record<ClientEventName, string> = {
  'show:join':
    "Join a show's room; the ack is the full versioned seat map and the caller's own seats.",
  'show:leave': "Leave a show's room.",
  'seat:hold': 'Hold a seat. Repeating a commandId repeats the original decision.',
  'seat:confirm': 'Confirm your current hold: the seat becomes yours.',
  'seat:release': 'Release your current hold.',
  'auth:refresh':
    'Give the connected socket a fresh token for the same user (sub), before its token ' +
    'expires: the session then ends at the new exp. A refused token (UNAUTHENTICATED, e.g. ' +
    "another user's, expired, or living too long) leaves the current session as it was.",
};

function kafkaChannels(partitions: number) {
  const topics = topicNames();
  const specs = new Map(topicSpecs(topics, partitions).map((spec) => [spec.topic, spec]));
  const binding = (topic: string) => {
    const spec = specs.get(topic);
    if (!spec) throw new Error(`no topic spec for ${topic}`);
    return {
      kafka: {
        topic,
        partitions: spec.numPartitions,
        topicConfiguration: topicConfiguration(spec),
        bindingVersion: KAFKA_BINDING,
      },
    };
  };
  const byType = (types: readonly string[], prefix: string) =>
    Object.fromEntries(types.map((type) => [type, ref(`#/components/messages/${prefix}${type}`)]));
  return {
    seatCommands: {
      address: topics.commands,
      title: 'Seat commands',
      description:
        'The source of truth: every intent about a seat, keyed by seat, in one topic so per-seat ' +
        'order holds across types. The broker stamps each record (LogAppendTime); that time is ' +
        '"now" for the decision. Retained forever. The partition count (HOLDFAST_PARTITIONS, ' +
        `default ${partitions}) is fixed at creation and caps the number of busy workers.`,
      servers: [ref('#/servers/kafka')],
      messages: byType(SEAT_COMMAND_TYPES, ''),
      bindings: binding(topics.commands),
    },
    seatEvents: {
      address: topics.events,
      title: 'Seat events',
      description:
        'Domain events and repeat answers, same key and partition count as seat-commands. ' +
        'Each carries the commandId, correlationId and replyTo of its command. Retained forever.',
      servers: [ref('#/servers/kafka')],
      messages: byType(SEAT_EVENT_TYPES, ''),
      bindings: binding(topics.events),
    },
    deadLetters: {
      address: topics.deadLetters,
      title: 'Dead letters of seat-commands',
      description: 'Records that could not be decoded or validated, as received, with the reason.',
      servers: [ref('#/servers/kafka')],
      messages: { deadLetter: ref('#/components/messages/deadLetter') },
      bindings: binding(topics.deadLetters),
    },
    shows: {
      address: topics.shows,
      title: 'Shows',
      description:
        'Show definitions (layout and hold TTL), created once and never changed; retained forever, ' +
        'never compacted: the first record of a showId is the show, later ones and tombstones are ignored. ' +
        'Workers and gateways read it to its end before deciding or accepting commands.',
      servers: [ref('#/servers/kafka')],
      messages: { [SHOW_RECORD_TYPE]: ref(`#/components/messages/${SHOW_RECORD_TYPE}`) },
      bindings: binding(topics.shows),
    },
  };
}

const socketChannelId = (event: string) => `socket${socketEventName(event)}`;

function socketChannels() {
  const channels: Record<string, unknown> = {};
  for (const event of CLIENT_EVENTS) {
    channels[socketChannelId(event)] = {
      address: event,
      title: `Socket.IO ${event}`,
      description: `${SOCKET_SUMMARIES[event]} Answered through the acknowledgement callback.`,
      servers: [ref('#/servers/gateway')],
      messages: {
        request: {
          name: event,
          title: `${event} payload`,
          contentType: 'application/json',
          payload: schemaRef(payloadSchemaName(event)),
        },
        ack: {
          name: `${event} ack`,
          title: `${event} acknowledgement`,
          summary:
            '`{ ok: true, … }` or a refusal `{ ok: false, error: { code, message } }`; a seat ' +
            "command's ack also carries the commandId it was produced under. TIMEOUT means the " +
            'outcome is unknown: resync, retry with the same commandId. UNAVAILABLE means the ' +
            'command was certainly not appended.',
          contentType: 'application/json',
          payload: schemaRef(ackSchemaName(event)),
        },
      },
    };
  }
  channels[socketChannelId('seat:changed')] = {
    address: 'seat:changed',
    title: 'Socket.IO seat:changed',
    description:
      "Every state change of a seat, to everyone in the show's room. Apply it only if its " +
      'version is newer than the one you have. Never says who holds or owns the seat.',
    servers: [ref('#/servers/gateway')],
    messages: {
      change: {
        name: 'seat:changed',
        contentType: 'application/json',
        payload: schemaRef(broadcastSchemaName('seat:changed')),
      },
    },
  };
  channels[socketChannelId('seats:changed')] = {
    address: 'seats:changed',
    title: 'Socket.IO seats:changed',
    description:
      "Instead of seat:changed, for a socket that connected with `auth.frames: 'batch'`: the " +
      'changes of one show over a short tick, in the order they were applied, in one frame. ' +
      'Apply each change only if its version is newer than the one you have.',
    servers: [ref('#/servers/gateway')],
    messages: {
      changes: {
        name: 'seats:changed',
        contentType: 'application/json',
        payload: schemaRef(broadcastSchemaName('seats:changed')),
      },
    },
  };
  channels[socketChannelId('show:stats')] = {
    address: 'show:stats',
    title: 'Socket.IO show:stats',
    description:
      "A show's seat counts, coalesced across the cluster to a few per second, with versionSum " +
      '(the sum of its seat versions): a client whose own sum stays below it missed a change ' +
      'and joins the show again.',
    servers: [ref('#/servers/gateway')],
    messages: {
      stats: {
        name: 'show:stats',
        contentType: 'application/json',
        payload: schemaRef(broadcastSchemaName('show:stats')),
      },
    },
  };
  channels[socketChannelId('session:expired')] = {
    address: 'session:expired',
    title: 'Socket.IO session:expired',
    description:
      'To one socket whose token expired (`expiredAt` is its exp) without a fresh one through ' +
      'auth:refresh; the gateway disconnects the socket right after (within the 5 s leeway ' +
      'after exp). Reconnect with a fresh token.',
    servers: [ref('#/servers/gateway')],
    messages: {
      expired: {
        name: 'session:expired',
        contentType: 'application/json',
        payload: schemaRef(broadcastSchemaName('session:expired')),
      },
    },
  };
  channels[socketChannelId('seat:cancelled')] = {
    address: 'seat:cancelled',
    title: 'Socket.IO seat:cancelled',
    description:
      "To every socket of a seat's holder or owner when an operator cancelled the hold or " +
      'reservation (`holdfast seats cancel`), with the reason; everyone in the show also gets ' +
      "the seat's seat:changed (available). A later confirm or release of that hold is CANCELLED.",
    servers: [ref('#/servers/gateway')],
    messages: {
      cancelled: {
        name: 'seat:cancelled',
        contentType: 'application/json',
        payload: schemaRef(broadcastSchemaName('seat:cancelled')),
      },
    },
  };
  channels[socketChannelId('connect_error')] = {
    address: 'connect_error',
    title: 'Socket.IO handshake refusal',
    description:
      'No, bad or expired token (or one without exp, living too long, or with the wrong iss / ' +
      "aud): the handshake fails and the client's `connect_error` " +
      'receives an error whose `data.code` is UNAUTHENTICATED.',
    servers: [ref('#/servers/gateway')],
    messages: {
      unauthenticated: {
        name: 'UNAUTHENTICATED',
        contentType: 'application/json',
        payload: schemaRef(HANDSHAKE_SCHEMA_NAME),
      },
    },
  };
  return channels;
}

function operations() {
  const reservation = groupNames().reservation;
  const gateway = groupNames().gateway;
  const group = (id: string) => ({
    kafka: { groupId: { type: 'string', enum: [id] }, bindingVersion: KAFKA_BINDING },
  });
  const msgs = (channel: string, ids: readonly string[]) =>
    ids.map((id) => ref(`#/channels/${channel}/messages/${id}`));
  const ops: Record<string, unknown> = {
    sendSeatCommand: {
      action: 'send',
      title: 'Gateway sends a client command',
      summary: 'Produced by a gateway after checking shape and identity (never business rules).',
      channel: ref('#/channels/seatCommands'),
      messages: msgs('seatCommands', [
        'seat.holdRequest',
        'seat.confirmationRequest',
        'seat.releaseRequest',
      ]),
    },
    sendHoldExpiry: {
      action: 'send',
      title: "Worker's hold timer fires",
      summary: 'Produced by the worker that owns the seat, to the same key, with replyTo "".',
      channel: ref('#/channels/seatCommands'),
      messages: msgs('seatCommands', ['seat.holdExpiry']),
    },
    decideSeatCommands: {
      action: 'receive',
      title: 'Reservation workers decide',
      summary:
        'Consumer group of the reservation workers: one live actor per seat; scale up to the ' +
        'partition count.',
      channel: ref('#/channels/seatCommands'),
      messages: msgs('seatCommands', SEAT_COMMAND_TYPES),
      bindings: group(reservation),
    },
    publishSeatEvents: {
      action: 'send',
      title: 'Workers publish decisions',
      channel: ref('#/channels/seatEvents'),
      messages: msgs('seatEvents', SEAT_EVENT_TYPES),
    },
    consumeSeatEvents: {
      action: 'receive',
      title: 'Gateways apply decisions',
      summary:
        'Consumer group of the gateways: write the read model, broadcast seat:changed, hand the ' +
        'decision to the gateway named in replyTo.',
      channel: ref('#/channels/seatEvents'),
      messages: msgs('seatEvents', SEAT_EVENT_TYPES),
      bindings: group(gateway),
    },
    deadLetterCommand: {
      action: 'send',
      title: 'Workers dead-letter a bad record',
      channel: ref('#/channels/deadLetters'),
      messages: msgs('deadLetters', ['deadLetter']),
    },
    createShow: {
      action: 'send',
      title: 'An operator creates a show',
      summary: '`holdfast shows create <showId> --rows N --seats-per-row M [--hold-ttl-ms T]`.',
      channel: ref('#/channels/shows'),
      messages: msgs('shows', [SHOW_RECORD_TYPE]),
    },
    readShows: {
      action: 'receive',
      title: 'Workers and gateways read every show',
      summary: 'Read from the beginning to the end before deciding; no shared group.',
      channel: ref('#/channels/shows'),
      messages: msgs('shows', [SHOW_RECORD_TYPE]),
    },
  };
  for (const event of CLIENT_EVENTS) {
    const channel = socketChannelId(event);
    ops[`on${socketEventName(event)}`] = {
      action: 'receive',
      title: `Gateway receives ${event}`,
      summary: SOCKET_SUMMARIES[event],
      channel: ref(`#/channels/${channel}`),
      messages: msgs(channel, ['request']),
      reply: { channel: ref(`#/channels/${channel}`), messages: msgs(channel, ['ack']) },
    };
  }
  for (const [event, id] of [
    ['seat:changed', 'change'],
    ['seats:changed', 'changes'],
    ['show:stats', 'stats'],
    ['session:expired', 'expired'],
    ['seat:cancelled', 'cancelled'],
    ['connect_error', 'unauthenticated'],
  ] as const) {
    const channel = socketChannelId(event);
    ops[`emit${socketEventName(event)}`] = {
      action: 'send',
      title: `Gateway emits ${event}`,
      channel: ref(`#/channels/${channel}`),
      messages: msgs(channel, [id]),
    };
  }
  return ops;
}

function messages() {
  const out: Record<string, unknown> = {};
  for (const type of SEAT_COMMAND_TYPES) {
    out[type] = kafkaMessage(
      type,
      COMMAND_SCHEMAS[type].name,
      COMMAND_SUMMARIES[type],
      SEAT_KEY_SCHEMA,
    );
  }
  for (const type of SEAT_EVENT_TYPES) {
    out[type] = kafkaMessage(
      type,
      EVENT_SCHEMAS[type].name,
      EVENT_SUMMARIES[type],
      SEAT_KEY_SCHEMA,
    );
  }
  out[SHOW_RECORD_TYPE] = kafkaMessage(
    SHOW_RECORD_TYPE,
    SHOW_SCHEMA_NAME,
    'A show is created: layout (rows × seats per row) and hold TTL, immutable.',
    SHOW_KEY_SCHEMA,
  );
  out.deadLetter = {
    name: 'deadLetter',
    title: 'Dead letter',
    summary: 'A seat-commands record that failed decoding or validation, unchanged.',
    contentType: 'application/octet-stream',
    headers: {
      type: 'object',
      description: "The original record's headers (if any) plus where it came from and why.",
      required: ['dlq.reason', 'dlq.topic', 'dlq.partition', 'dlq.offset'],
      properties: {
        'dlq.reason': { type: 'string', maxLength: 2000, description: 'Why it was refused.' },
        'dlq.topic': { type: 'string', description: 'The topic it was consumed from.' },
        'dlq.partition': { type: 'string', pattern: '^[0-9]+$' },
        'dlq.offset': { type: 'string', pattern: '^[0-9]+$' },
      },
    },
    payload: { description: 'The original value, byte for byte (may be anything, or null).' },
    bindings: {
      kafka: {
        key: { type: 'string', description: 'The original key, unchanged (may be null).' },
        bindingVersion: KAFKA_BINDING,
      },
    },
  };
  return out;
}

export interface DocumentOptions {
  version: string;
}

/** The complete document, ready to serialize. */
export function buildAsyncApiDocument(options: DocumentOptions): Record<string, unknown> {
  const partitions = defaultPartitions();
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Holdfast',
      version: options.version,
      description:
        'Real-time seat reservation. Clients talk Socket.IO to gateways; gateways turn intents ' +
        'into commands on Kafka `seat-commands` (key `showId/seatId`); reservation workers ' +
        'decide and publish domain events on `seat-events`, which gateways broadcast. Every ' +
        `Kafka record has a \`${TYPE_HEADER}\` header and a JSON body validated by one schema. ` +
        'Topic and group names take the deployment prefix HOLDFAST_KAFKA_PREFIX (default none). ' +
        'Refusal codes: ' +
        `${PUBLIC_ERROR_CODES.join(', ')}. Times are epoch milliseconds of broker log time.`,
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: 'localhost:9092',
        protocol: 'kafka',
        description: 'Apache Kafka (KAFKA_BROKERS). Topics are created by the processes on start.',
      },
      gateway: {
        host: 'localhost:8080',
        protocol: 'ws',
        pathname: '/socket.io',
        description:
          'A gateway (PORT): Socket.IO v4, default namespace. Connect with ' +
          "`io(url, { auth: { token } })`; add `frames: 'batch'` to `auth` to receive " +
          'seats:changed instead of seat:changed. The SDK uses the WebSocket transport only.',
        security: [ref('#/components/securitySchemes/handshakeJwt')],
      },
    },
    channels: { ...kafkaChannels(partitions), ...socketChannels() },
    operations: operations(),
    components: {
      schemas: contractSchemas(),
      messages: messages(),
      securitySchemes: {
        handshakeJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A JWT sent in the Socket.IO handshake as `auth.token` (not an HTTP header): HS256 ' +
            'signed with the UTF-8 bytes of HOLDFAST_JWT_SECRET, or EdDSA / RS256 verified with ' +
            'HOLDFAST_JWT_PUBLIC_KEY. `sub` (the user id) and `exp` are required; `exp` at most ' +
            'HOLDFAST_TOKEN_MAX_LIFETIME (default 24 h) ahead, honoured with at most 5 s leeway; ' +
            '`iss` / `aud` must match HOLDFAST_JWT_ISSUER / HOLDFAST_JWT_AUDIENCE when set. ' +
            'Refused: connect_error with data.code UNAUTHENTICATED. A live socket renews its ' +
            'session with auth:refresh, or gets session:expired and is disconnected. ' +
            "`auth.frames: 'batch'` (optional; any other value means the default) asks for " +
            'seats:changed frames instead of seat:changed.',
        },
      },
    },
  };
}
