import { createMessageContext, type BaseDomain, type MessageContext } from '@tapline/core';
import { recordDomain, type DomainRecording, type StepOutcome } from './record-domain.js';

/** How {@link runDomain} feeds its inputs. */
export interface RunDomainOptions<TIn> {
  /** The context of each input, by index, or a function making one; default: fresh contexts. */
  contexts?: readonly MessageContext[] | ((input: TIn, index: number) => MessageContext);
  /** The `source` of the contexts made for the inputs (default `test`). */
  source?: string;
  /** Hand every input in before awaiting any, as a host does under load (default: one at a time). */
  parallel?: boolean;
}

/** What became of one input. */
export type MessageOutcome<TIn, TOut> = StepOutcome<TOut> & {
  readonly input: TIn;
  readonly message: MessageContext;
};

/** Everything a domain emitted while {@link runDomain} fed it. */
export interface RunDomainResult<TIn, TOut> {
  /** What the domain forwarded on its data channel, in the order it forwarded it. */
  readonly outputs: TOut[];
  /** Its monitoring channel: `success` includes dropped messages, as the Monitor counts them. */
  readonly events: DomainRecording<TOut>['events'];
  /** One entry per input, in input order. */
  readonly results: MessageOutcome<TIn, TOut>[];
}

/**
 * Feeds inputs to a domain's `handle` without a host and collects what it forwarded and
 * reported. Waits for asynchronous `execute`s. It neither initializes nor shuts the domain down.
 */
export async function runDomain<TIn, TOut>(
  domain: BaseDomain<TIn, TOut>,
  inputs: Iterable<TIn>,
  options: RunDomainOptions<TIn> = {},
): Promise<RunDomainResult<TIn, TOut>> {
  const recording = recordDomain(domain);
  const fed: Array<{ input: TIn; message: MessageContext }> = [];
  try {
    const pending: Promise<void>[] = [];
    let index = 0;
    for (const input of inputs) {
      const message = contextFor(options, input, index++);
      fed.push({ input, message });
      const done = domain.handle(input, message);
      if (done === undefined) continue;
      if (options.parallel) pending.push(done);
      else await done;
    }
    await Promise.all(pending);
  } finally {
    recording.close();
  }
  const results = fed.map(({ input, message }): MessageOutcome<TIn, TOut> => {
    const outcome = recording.outcomes.get(message);
    if (outcome === undefined) {
      throw new Error(`runDomain: message ${message.id} was neither forwarded, dropped nor failed`);
    }
    return { ...outcome, input, message };
  });
  return { outputs: recording.outputs, events: recording.events, results };
}

function contextFor<TIn>(options: RunDomainOptions<TIn>, input: TIn, index: number): MessageContext {
  const { contexts } = options;
  if (typeof contexts === 'function') return contexts(input, index);
  return contexts?.[index] ?? createMessageContext(options.source ?? 'test', input);
}
