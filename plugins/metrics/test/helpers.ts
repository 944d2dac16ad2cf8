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

/** One sample line of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format: HELP and TYPE per family, then samples. */
export function parsePrometheus(text: string): {
  samples: Sample[];
  types: Record<string, string>;
  help: Record<string, string>;
} {
  const samples: Sample[] = [];
  const types: Record<string, string> = {};
  const help: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      (meta[1] === 'HELP' ? help : types)[meta[2]!] = meta[3]!;
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types, help };
}

/** The samples of one name whose labels include `where`. */
export function pick(samples: Sample[], name: string, where: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v));
}
