import { Ajv } from 'ajv';
import {
  createMessageContext,
  type BaseDomain,
  type ErrorEvent,
  type MessageContext,
  type PluginManifest,
  type Problem,
} from '@tapline/core';

// Configured as the host validates plugin options: every error, defaults applied, not strict.
const ajv = new Ajv({
  allErrors: true,
  useDefaults: true,
  strict: false,
  allowUnionTypes: true,
  logger: false,
});

/** Validates options as the host does: schema (defaults applied), then `check`. */
export function validate<O>(
  manifest: PluginManifest<any, any>,
  raw: unknown,
): { options?: O; problems: Problem[] } {
  const options = structuredClone(raw ?? {});
  const fn = ajv.compile(manifest.options);
  if (!fn(options)) {
    return { problems: (fn.errors ?? []).map((e) => ({ path: e.instancePath, message: e.message ?? '' })) };
  }
  const problems = manifest.check?.(options as never) ?? [];
  return problems.length > 0 ? { problems } : { options: options as O, problems };
}

/** What one handle() call produced on each channel. */
export interface Outcome<T> {
  forwarded: T[];
  dropped: number;
  errors: ErrorEvent[];
  message: MessageContext;
}

/** Runs one input through a domain's handle() and collects what its hooks saw. */
export async function run<I, O>(domain: BaseDomain<I, O>, input: I): Promise<Outcome<O>> {
  const outcome: Outcome<O> = {
    forwarded: [],
    dropped: 0,
    errors: [],
    message: createMessageContext('test'),
  };
  const forwarded = (v: O) => outcome.forwarded.push(v);
  const dropped = () => outcome.dropped++;
  const failed = (e: ErrorEvent) => outcome.errors.push(e);
  domain.hooks.handled.tap('test', forwarded);
  domain.hooks.dropped.tap('test', dropped);
  domain.hooks.error.tap('test', failed);
  try {
    await domain.handle(input, outcome.message);
  } finally {
    // Taps are removed so the next run starts clean; tests only, never per message in a pipeline.
    for (const hook of [domain.hooks.handled, domain.hooks.dropped, domain.hooks.error]) {
      hook.taps = hook.taps.filter((t) => t.name !== 'test');
    }
  }
  return outcome;
}
