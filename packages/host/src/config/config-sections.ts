import { Type, type Static } from '@tapline/core';
import { Defaulted, ObjectOrFalse, StringEnum } from './schema-helpers.js';

// The config's sections beside `pipeline`: each may be left out and is then filled in from its keys' defaults.

/** pino's level names: what `log.level`, `--log-level` and `LOG_LEVEL` accept. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** How many messages may be in flight, and how long a stop waits for them. */
export const RuntimeSchema = Type.Object(
  {
    maxInFlight: Defaulted(
      Type.Integer({
        minimum: 1,
        description:
          'At most this many messages are in flight; sources stop reading while the limit is reached.',
      }),
      1024,
    ),
    batchMax: Defaulted(
      Type.Integer({
        minimum: 1,
        description:
          'At most this many records go through the chain as one batch: what the source took in since the chain last ran, never waiting for more.',
      }),
      256,
    ),
    shutdownTimeoutMs: Defaulted(
      Type.Integer({ minimum: 0, description: 'How long a stop waits for in-flight messages to drain.' }),
      10000,
    ),
  },
  { additionalProperties: false },
);

/** Where failed messages go, how much of each is kept, and when the file rotates. */
export const DeadLetterSchema = Type.Object({
  path: Defaulted(
    Type.String({ minLength: 1, description: "Relative to the config file's directory." }),
    'dead-letters.ndjson',
  ),
  maxPayloadBytes: Defaulted(
    Type.Integer({
      minimum: 64,
      description:
        "A failed message's payload is kept whole up to this size; a larger one keeps its first bytes (base64), its size and its SHA-256.",
    }),
    65536,
  ),
  rotateBytes: Defaulted(
    Type.Integer({
      minimum: 1024,
      description: 'Rotate the file to path.1, path.2 … once it would grow past this size.',
    }),
    104857600,
  ),
  rotateKeep: Defaulted(
    Type.Integer({ minimum: 1, description: 'How many rotated dead-letter files to keep.' }),
    5,
  ),
});

/** Where the monitoring API listens and who may read it. */
export const MonitorHttpSchema = Type.Object({
  host: Defaulted(
    Type.String({
      minLength: 1,
      description: 'Where the API listens. Anything but loopback needs "token" or "unauthenticated": true.',
    }),
    '127.0.0.1',
  ),
  token: Type.Optional(
    Type.String({
      minLength: 16,
      description:
        'A bearer token every route but /healthz, /readyz and the static / page needs ("Authorization: Bearer <token>"). Write "${TAPLINE_HTTP_TOKEN}" to keep it out of the file.',
    }),
  ),
  unauthenticated: Defaulted(
    Type.Boolean({
      description: 'true serves the API off loopback with no token, and logs a warning at start.',
    }),
    false,
  ),
  port: Defaulted(Type.Integer({ minimum: 0, maximum: 65535, description: '0 picks a free port.' }), 9464),
});

/** The durations kept for percentiles, and the monitoring API. */
export const MonitorSchema = Type.Object(
  {
    durationsWindow: Defaulted(
      Type.Integer({
        minimum: 1,
        description: 'How many of the latest durations to keep per step for percentiles.',
      }),
      1000,
    ),
    http: Defaulted(
      ObjectOrFalse(MonitorHttpSchema, {
        description: 'The HTTP monitoring API (loopback by default), or false to serve none.',
      }),
      {},
    ),
  },
  { additionalProperties: false },
);

export const LogSchema = Type.Object(
  {
    level: Defaulted(StringEnum(LOG_LEVELS), 'info'),
    destination: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Where log lines go: "stdout", "stderr", or a file path (relative to the config file). Default: stdout, or stderr when a step writes records to stdout.',
      }),
    ),
  },
  { additionalProperties: false },
);

export type RuntimeConfig = Readonly<Static<typeof RuntimeSchema>>;
export type DeadLetterConfig = Readonly<Static<typeof DeadLetterSchema>>;
export type MonitorHttpConfig = Readonly<Static<typeof MonitorHttpSchema>>;
export type LogLevel = (typeof LOG_LEVELS)[number];
