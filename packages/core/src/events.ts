import { errorTypeOf, messageOf } from './errors.js';
import type { MessageContext } from './message-context.js';

/** Reported on the monitoring channel each time a domain handled a message without error. */
export interface SuccessEvent {
  /** The step id from the config, so two instances of one plugin stay apart. */
  readonly domain: string;
  /** What the domain did; `handle` for the template. */
  readonly operation: string;
  /** Time spent in this domain's `execute` only, in milliseconds. */
  readonly durationMs: number;
  readonly messageId: number;
  /** For a drop with a reason (`dropWith`): why. A plain `DROP` has none. */
  readonly reason?: string;
  /** For a drop with a reason: what the reason is about. */
  readonly detail?: Readonly<Record<string, string>>;
}

/** Reported on the monitoring channel when a domain failed to handle a message. */
export interface ErrorEvent {
  readonly domain: string;
  readonly operation: string;
  readonly durationMs: number;
  readonly messageId: number;
  /** The error's `code` when it has one (`TAPLINE_ERR_*`), else its class name. */
  readonly errorType: string;
  readonly message: string;
  /** The value that was thrown. */
  readonly cause?: unknown;
}

/** The `operation` of events emitted by {@link BaseDomain.handle}. */
export const HANDLE_OPERATION = 'handle';
/** The `operation` of an error raised by a non-domain `handled` tap. */
export const FORWARD_OPERATION = 'forward';

/**
 * The error event of `message` failing in step `domain`: made only for a failure, by the step
 * for its error hook's taps and by the host for the dead letter and the failure log.
 */
export function errorEvent(
  domain: string,
  operation: string,
  durationMs: number,
  message: MessageContext,
  err: unknown,
): ErrorEvent {
  return {
    domain,
    operation,
    durationMs,
    messageId: message.id,
    errorType: errorTypeOf(err),
    message: messageOf(err),
    cause: err,
  };
}
