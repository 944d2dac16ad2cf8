import { BrokerError, messageOf, type Logger } from '@tapline/core';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type Consumer,
  type ConsumerConfig,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { NatsSourceOptions } from './options.js';

const codeOf = (err: unknown): number | undefined =>
  err instanceof JetStreamApiError ? err.code : undefined;

/**
 * Finds the durable consumer the options name, creating the stream and the consumer first
 * when `create` says so. A missing stream or consumer is a coded error naming server and stream.
 */
export async function ensureConsumer(
  nc: NatsConnection,
  options: NatsSourceOptions,
  log: Logger,
): Promise<Consumer> {
  const { stream, durable } = options;
  const servers = options.servers.join(', ');
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc);
  } catch (err) {
    throw new BrokerError(
      'TAPLINE_ERR_BROKER_NO_JETSTREAM',
      servers,
      stream,
      `NATS at ${servers} has no JetStream (${messageOf(err)}); start nats-server with -js.`,
      err,
    );
  }
  try {
    await jsm.streams.info(stream);
  } catch (err) {
    if (codeOf(err) !== JetStreamApiCodes.StreamNotFound) throw err;
    if (!options.create) {
      throw new BrokerError(
        'TAPLINE_ERR_STREAM_NOT_FOUND',
        servers,
        stream,
        `NATS at ${servers} has no stream "${stream}". Create it (nats stream add ${stream}), or set "create": true.`,
        err,
      );
    }
    const subjects = options.subjects.length > 0 ? options.subjects : [`${stream}.>`];
    await jsm.streams.add({ name: stream, subjects });
    log.info({ stream, subjects }, 'nats stream created');
  }
  try {
    const info = await jsm.consumers.info(stream, durable);
    const { ack_policy, max_deliver } = info.config;
    if (ack_policy !== AckPolicy.Explicit) {
      log.warn(
        { stream, durable, ack_policy },
        'consumer does not take explicit acks: delivery is not at least once',
      );
    }
    if (max_deliver !== undefined && max_deliver > 0 && max_deliver <= options.maxDeliveries) {
      log.warn(
        { stream, durable, max_deliver, maxDeliveries: options.maxDeliveries },
        'the consumer stops redelivering before maxDeliveries: such messages stay unacked instead of being dead-lettered',
      );
    }
  } catch (err) {
    if (codeOf(err) !== JetStreamApiCodes.ConsumerNotFound) throw err;
    if (!options.create) {
      throw new BrokerError(
        'TAPLINE_ERR_CONSUMER_NOT_FOUND',
        servers,
        stream,
        `Stream "${stream}" at ${servers} has no consumer "${durable}". Create it (nats consumer add ${stream} ${durable} --pull --ack explicit), or set "create": true.`,
        err,
      );
    }
    await jsm.consumers.add(stream, consumerConfig(options));
    log.info({ stream, durable }, 'nats consumer created');
  }
  return jetstream(nc).consumers.get(stream, durable);
}

function consumerConfig(options: NatsSourceOptions): Partial<ConsumerConfig> {
  const { durable, subjects, ackWaitMs } = options;
  return {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(ackWaitMs),
    // Redelivery is bounded by the source, which dead-letters past maxDeliveries: the server must
    // keep offering such a message so that the source sees it once more.
    max_deliver: -1,
    // Each process bounds what it holds (maxInFlight + batch); the server need not.
    max_ack_pending: -1,
    ...(subjects.length === 1
      ? { filter_subject: subjects[0] }
      : subjects.length > 1
        ? { filter_subjects: subjects }
        : {}),
  };
}
