import { Type, type Static } from '@tapline/core';
import { CurveOptions } from '@tapline/core/curve';
import { conditionRef, conditionSchema } from '@tapline/core/condition';
import { DEFAULT_SERVERS, natsConnectionOptions } from '@tapline/plugin-nats/connection';

export const FILE_DEFAULTS = { flushIntervalMs: 0, flushBytes: 64 * 1024, rotateKeep: 5 } as const;
export const ZMQ_DEFAULTS = {
  socket: 'push',
  mode: 'connect',
  sendHighWaterMark: 1000,
  sendTimeoutMs: 1000,
  lingerMs: 1000,
} as const;

export const BUFFER_DEFAULTS = { maxRecords: 10000, maxBytes: 16 * 1024 * 1024, whenFull: 'block' } as const;

/** At most this many targets: a record's fate across them is kept in one 32-bit mask. */
export const MAX_TARGETS = 32;

export const DISK_DEFAULTS = {
  maxBytes: 1024 * 1024 * 1024,
  whenFull: 'block',
  sync: 'always',
  syncIntervalMs: 100,
  segmentBytes: 16 * 1024 * 1024,
  maxRetries: 10,
} as const;

const whenFull = (fallback: string, description: string) =>
  Type.Optional(
    Type.Union([Type.Literal('block'), Type.Literal('drop_newest'), Type.Literal('dead_letter')], {
      default: fallback,
      description,
    }),
  );

const memoryBuffer = Type.Object(
  {
    type: Type.Optional(Type.Literal('memory', { description: 'A bounded queue in memory (the default).' })),
    maxRecords: Type.Optional(
      Type.Integer({
        minimum: 1,
        default: BUFFER_DEFAULTS.maxRecords,
        description: 'Records this target may queue (taken, not yet written).',
      }),
    ),
    maxBytes: Type.Optional(
      Type.Integer({
        minimum: 1,
        default: BUFFER_DEFAULTS.maxBytes,
        description: 'Bytes of serialized JSON this target may queue.',
      }),
    ),
    whenFull: whenFull(
      BUFFER_DEFAULTS.whenFull,
      'block: wait for room (the pipeline, then the senders, are held back; nothing is lost); drop_newest: a record that finds the queue full is not written here, counted as dropped (reason buffer_full); dead_letter: as drop_newest, but dead-lettered for this target.',
    ),
  },
  { additionalProperties: false },
);

const diskBuffer = Type.Object(
  {
    type: Type.Literal('disk', {
      description:
        "A durable log of segment files: a record is taken once it is in the log (synced per sync), then delivered from this target's cursor; what is in the log at a stop or a crash is delivered after the next start.",
    }),
    path: Type.String({
      minLength: 1,
      description:
        "The log's folder, relative to the config file; the disk-buffered targets of one exporter that name the same folder share one copy of each record, each with its own cursor.",
    }),
    maxBytes: Type.Optional(
      Type.Integer({
        minimum: 1,
        default: DISK_DEFAULTS.maxBytes,
        description: "Bytes of the log this target may keep undelivered (from its cursor to the log's end).",
      }),
    ),
    whenFull: whenFull(
      DISK_DEFAULTS.whenFull,
      'What a record finds when this target has maxBytes undelivered: block, drop_newest or dead_letter, as with the memory buffer.',
    ),
    sync: Type.Optional(
      Type.Union([Type.Literal('always'), Type.Literal('interval')], {
        default: DISK_DEFAULTS.sync,
        description:
          'always: a record is taken once its batch is fdatasynced (survives a power failure); interval: once the OS has it (survives a crash of the process), with an fdatasync every syncIntervalMs: a power failure may lose that long of records.',
      }),
    ),
    syncIntervalMs: Type.Optional(
      Type.Integer({
        minimum: 1,
        default: DISK_DEFAULTS.syncIntervalMs,
        description: 'With sync interval: how often the log is fdatasynced.',
      }),
    ),
    segmentBytes: Type.Optional(
      Type.Integer({
        minimum: 4096,
        default: DISK_DEFAULTS.segmentBytes,
        description:
          'Size at which a segment file is closed and the next begun; a segment is deleted once every cursor is past it.',
      }),
    ),
    maxRetries: Type.Optional(
      Type.Integer({
        minimum: -1,
        default: DISK_DEFAULTS.maxRetries,
        description:
          "Times a record is tried again from the log after its delivery failed (each try with the exporter's retries, the tries with its backoff) before it is dead-lettered for this target alone and the cursor moves past it; -1: tried until it is delivered.",
      }),
    ),
  },
  { additionalProperties: false },
);

/** What every target takes besides its type's own options. */
const common = {
  name: Type.Optional(
    Type.String({
      minLength: 1,
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$',
      description:
        'Names the target in metrics, dead letters and routes; default: its type, made unique (file, file-2, …).',
    }),
  ),
  where: Type.Optional(conditionRef),
  buffer: Type.Optional(Type.Union([memoryBuffer, diskBuffer])),
};

// Defaults inside a target are documentation only: ajv applies none inside anyOf, so these
// fields are optional and the targets fill them in.
const fileTarget = Type.Object(
  {
    ...common,
    type: Type.Literal('file'),
    path: Type.String({
      minLength: 1,
      description: 'NDJSON file; relative paths resolve against the config file.',
    }),
    flushIntervalMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        default: FILE_DEFAULTS.flushIntervalMs,
        description:
          'How long records may collect before a write begins; 0: as soon as the previous write returned. A record completes once its write returned.',
      }),
    ),
    flushBytes: Type.Optional(
      Type.Integer({
        minimum: 1,
        default: FILE_DEFAULTS.flushBytes,
        description: 'With flushIntervalMs, a write begins at once when this many bytes wait.',
      }),
    ),
    rotateBytes: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Rotate to path.1, path.2 … once the file would exceed this size.',
      }),
    ),
    rotateKeep: Type.Optional(Type.Integer({ minimum: 1, default: FILE_DEFAULTS.rotateKeep })),
  },
  { additionalProperties: false },
);

const stdoutTarget = Type.Object(
  { ...common, type: Type.Literal('stdout') },
  { additionalProperties: false },
);

const zmqTarget = Type.Object(
  {
    ...common,
    type: Type.Literal('zmq'),
    address: Type.String({
      minLength: 1,
      description: 'The next hop: tcp://host:port, ipc://path, inproc://name.',
    }),
    socket: Type.Optional(
      Type.Union([Type.Literal('push'), Type.Literal('pub')], { default: ZMQ_DEFAULTS.socket }),
    ),
    mode: Type.Optional(
      Type.Union([Type.Literal('connect'), Type.Literal('bind')], { default: ZMQ_DEFAULTS.mode }),
    ),
    sendHighWaterMark: Type.Optional(Type.Integer({ minimum: 0, default: ZMQ_DEFAULTS.sendHighWaterMark })),
    sendTimeoutMs: Type.Optional(
      Type.Integer({
        minimum: -1,
        default: ZMQ_DEFAULTS.sendTimeoutMs,
        description:
          'How long one send may wait for a connected peer (-1: forever); a timeout is retried, then fails the records waiting behind it too.',
      }),
    ),
    lingerMs: Type.Optional(Type.Integer({ minimum: 0, default: ZMQ_DEFAULTS.lingerMs })),
    sendBufferSize: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          "The kernel's send buffer for each connection, in bytes (ZeroMQ's sendBufferSize, SO_SNDBUF; Linux doubles it). Unset: the OS's default, which grows by itself up to a few MiB. Smaller bounds what a next hop that dies can take with it.",
      }),
    ),
    curve: Type.Optional(CurveOptions),
  },
  { additionalProperties: false },
);

export const NATS_DEFAULTS = { timeoutMs: 5000 } as const;

const natsTarget = Type.Object(
  {
    ...common,
    type: Type.Literal('nats'),
    subject: Type.String({
      minLength: 1,
      pattern: '^[^*>\\s]+$',
      description: 'The subject each record is published on; a JetStream stream must take it.',
    }),
    // Optional with a default: ajv fills none inside a union, the target falls back to the same servers.
    servers: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        default: [...DEFAULT_SERVERS],
        description: natsConnectionOptions.servers.description,
      }),
    ),
    timeoutMs: Type.Optional(
      Type.Integer({
        minimum: 1,
        default: NATS_DEFAULTS.timeoutMs,
        description: "How long one publish waits for the stream's ack before it is retried.",
      }),
    ),
    credentials: natsConnectionOptions.credentials,
    user: natsConnectionOptions.user,
    password: natsConnectionOptions.password,
    token: natsConnectionOptions.token,
  },
  { additionalProperties: false },
);

/** The options of an exporter step. */
export const exporterOptions = Type.Object(
  {
    targets: Type.Array(Type.Union([fileTarget, stdoutTarget, zmqTarget, natsTarget]), {
      minItems: 1,
      maxItems: MAX_TARGETS,
      default: [{ type: 'file', path: 'out/export.ndjson' }],
      description:
        'Where records are written: each target with its own queue, policy when full, retries and route (where).',
    }),
    route: Type.Optional(
      Type.Union([Type.Literal('all'), Type.Literal('first')], {
        default: 'all',
        description:
          'all: a record goes to every target whose where holds (a target without where takes every record); first: to the first such target, in order.',
      }),
    ),
    unmatched: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'The target (by name) that takes the records no route takes; without it they are dropped, reason unmatched.',
      }),
    ),
    retries: Type.Integer({
      minimum: 0,
      default: 3,
      description: 'Retries of a failed write before giving up.',
    }),
    retryDelayMs: Type.Integer({
      minimum: 0,
      default: 100,
      description: 'First retry delay; doubles each time.',
    }),
    retryMaxDelayMs: Type.Integer({
      minimum: 0,
      default: 5000,
      description: 'Upper bound of one retry delay.',
    }),
    timestampField: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'When set, each record (JSON object) gets this top-level field set to the export time, in fractional epoch milliseconds, before it is written.',
      }),
    ),
  },
  { additionalProperties: false, $defs: { condition: conditionSchema } },
);

export type ExporterOptions = Static<typeof exporterOptions>;
export type TargetOptions = ExporterOptions['targets'][number];
export type FileTargetOptions = Static<typeof fileTarget>;
export type ZmqTargetOptions = Static<typeof zmqTarget>;
export type NatsTargetOptions = Static<typeof natsTarget>;
export type BufferOptions = Static<typeof memoryBuffer>;
export type DiskBufferOptions = Static<typeof diskBuffer>;
export type { RetryPolicy } from '@tapline/core/io';
