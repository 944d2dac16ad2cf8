import { Type, type Static } from '@tapline/core';
import { CurveOptions } from '@tapline/core/curve';

/** The options of a zmq-source step. Every field has a default, so `{}` is a valid config. */
export const zmqSourceOptions = Type.Object(
  {
    address: Type.String({
      minLength: 1,
      default: '${ZMQ_ADDRESS:-tcp://127.0.0.1:5555}',
      description: 'The ZeroMQ endpoint to bind or connect to (tcp://host:port, ipc://path, inproc://name).',
    }),
    socket: Type.Union([Type.Literal('pull'), Type.Literal('sub')], {
      default: 'pull',
      description:
        'pull: take every message (load-balanced among pullers); sub: take published messages by topic.',
    }),
    mode: Type.Union([Type.Literal('bind'), Type.Literal('connect')], {
      default: 'bind',
      description: 'bind: peers connect to this address; connect: this step connects to a peer bound there.',
    }),
    topics: Type.Array(Type.String(), {
      default: [''],
      description: 'For socket "sub": the topic prefixes to subscribe to; [""] takes every topic.',
    }),
    receiveHighWaterMark: Type.Integer({
      minimum: 0,
      default: 1000,
      description: 'How many messages ZeroMQ queues locally before it pushes back on senders (0: no limit).',
    }),
    receiveBufferSize: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          "The kernel's receive buffer for each connection, in bytes (ZeroMQ's receiveBufferSize, SO_RCVBUF; Linux doubles it). Unset: the OS's default, which grows by itself up to a few MiB. Smaller bounds what a sender loses when this process dies.",
      }),
    ),
    decode: Type.Union(
      [
        Type.Literal('record'),
        Type.Literal('ndjson'),
        Type.Literal('json'),
        Type.Literal('text'),
        Type.Literal('raw'),
      ],
      {
        default: 'record',
        description:
          'record: a JSON object; ndjson: one JSON object per line, each line its own message (batched frames); json: any JSON value; text: UTF-8 text; raw: the bytes as they came.',
      },
    ),
    maxMessageBytes: Type.Integer({
      minimum: 0,
      default: 1024 * 1024,
      description:
        'The largest message, all its frames together. ZeroMQ refuses a larger frame before allocating it (its maxMessageSize) and disconnects the peer that sent it; a multipart message larger in total is refused with TAPLINE_ERR_MESSAGE_TOO_LARGE and dead-lettered without its payload. 0: no limit.',
    }),
    maxFrames: Type.Integer({
      minimum: 1,
      default: 16,
      description:
        'The most frames one message may have (a SUB topic frame included); a message of more is refused with TAPLINE_ERR_MESSAGE_TOO_LARGE and dead-lettered without its payload.',
    }),
    curve: Type.Optional(CurveOptions),
    frames: Type.Optional(
      Type.Union([Type.Literal('last'), Type.Literal('join'), Type.Literal('reject')], {
        description:
          'A message of several payload frames: last keeps the last, join concatenates them, reject fails it (dead-lettered, every frame kept). Default: reject on pull, last on sub.',
      }),
    ),
  },
  { additionalProperties: false },
);

export type ZmqSourceOptions = Static<typeof zmqSourceOptions>;

/** The type name a step emits for each `decode` mode. */
export const OUTPUT_TYPES = {
  record: 'record',
  ndjson: 'record',
  json: 'json',
  text: 'text',
  raw: 'bytes',
} as const satisfies Record<ZmqSourceOptions['decode'], string>;
