import { Type, type Static } from '@tapline/core';
import { natsConnectionOptions } from './connection/options.js';

/** The options of a nats-source step. Only `stream` has no default. */
export const natsSourceOptions = Type.Object(
  {
    servers: natsConnectionOptions.servers,
    stream: Type.String({
      minLength: 1,
      description: 'The JetStream stream to consume.',
    }),
    durable: Type.String({
      minLength: 1,
      pattern: '^[^.*>\\s]+$',
      default: 'tapline',
      description:
        'The durable pull consumer. Every process naming the same one shares its messages: add processes to add capacity.',
    }),
    subjects: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description:
        'Subject filter of the consumer ([]: every subject of the stream); with create, also the subjects of a stream it creates.',
    }),
    create: Type.Boolean({
      default: false,
      description: 'Create the stream and the consumer when they are missing, instead of failing at start.',
    }),
    batch: Type.Integer({
      minimum: 1,
      default: 256,
      description:
        'Messages pulled per request. This many may wait in the process beyond maxInFlight; they are redelivered if it dies.',
    }),
    ackWaitMs: Type.Integer({
      minimum: 1000,
      default: 30_000,
      description:
        'For a consumer this step creates: how long the server waits for an ack before it redelivers a message elsewhere.',
    }),
    maxDeliveries: Type.Integer({
      minimum: 1,
      default: 5,
      description:
        'A message delivered more often than this (its earlier deliveries never settled) is dead-lettered with reason TAPLINE_ERR_MAX_DELIVERIES, then acked.',
    }),
    decode: Type.Union(
      [Type.Literal('record'), Type.Literal('json'), Type.Literal('text'), Type.Literal('raw')],
      {
        default: 'record',
        description:
          'record: a JSON object; json: any JSON value; text: UTF-8 text; raw: the bytes as they came.',
      },
    ),
    credentials: natsConnectionOptions.credentials,
    user: natsConnectionOptions.user,
    password: natsConnectionOptions.password,
    token: natsConnectionOptions.token,
  },
  { additionalProperties: false },
);

export type NatsSourceOptions = Static<typeof natsSourceOptions>;

/** The type name a step emits for each `decode` mode. */
export const OUTPUT_TYPES = {
  record: 'record',
  json: 'json',
  text: 'text',
  raw: 'bytes',
} as const satisfies Record<NatsSourceOptions['decode'], string>;
