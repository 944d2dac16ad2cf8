import { BaseDomain, type DomainIdentity } from './base-domain.js';
import { unboundedIntake, type Intake } from './intake.js';

/**
 * A domain that takes messages in from outside the process. The host starts sources after
 * every other step is initialized, and stops them first.
 *
 * A source reads raw messages and passes each to {@link ingest}, which accounts it with the
 * host and runs it through `handle` (so the source's own `execute` decodes it).
 */
export abstract class SourceDomain<TRaw = unknown, TOut = unknown> extends BaseDomain<TRaw, TOut> {
  override readonly kind = 'source' as const;
  /** Set by the host before `start`; sources wait on it while the host is at `maxInFlight`. */
  intake: Intake = unboundedIntake;

  constructor(identity?: DomainIdentity) {
    super(identity);
  }

  /** Begin taking messages in. Resolves once intake has begun (the socket is bound, say). */
  abstract start(): Promise<void>;

  /**
   * Stop taking messages in, process what already reached this process (a socket's local
   * queue included), then release the intake. Resolves when all of that has been handed on.
   */
  abstract stop(): Promise<void>;

  /** Accounts one raw message with the host and runs it through `handle`. */
  protected ingest(raw: TRaw, attributes?: Record<string, unknown>): void | Promise<void> {
    return this.handle(raw, this.intake.accept(this.id, raw, attributes));
  }
}

/** Whether a domain is a source. */
export function isSource(domain: BaseDomain<any, any>): domain is SourceDomain<any, any> {
  return domain.kind === 'source';
}
