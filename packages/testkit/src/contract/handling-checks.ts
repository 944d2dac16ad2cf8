import { expect } from 'vitest';
import { codeOf, type AnyDomain, type AnySource } from '@tapline/core';
import { isSource } from '@tapline/core/internal';
import type { PluginStep } from '../plugin-step.js';
import { recordDomain, type DomainRecording } from '../record-domain.js';
import { runDomain } from '../run-domain.js';
import type { PluginContractOptions } from './contract-options.js';
import { matchesType } from './type-check.js';

type Recorded = Pick<DomainRecording<unknown>, 'outputs' | 'events'>;

/** Initializes the step, feeds it inputs (through the driver for a source), then shuts it down. */
async function feed(
  made: PluginStep<AnyDomain>,
  inputs: readonly unknown[],
  options: PluginContractOptions,
): Promise<Recorded> {
  const { domain } = made;
  await domain.initialize();
  try {
    if (!isSource(domain) || options.driver === undefined) return await runDomain(domain, inputs);
    const recording = recordDomain(domain);
    try {
      await domain.start();
      try {
        await options.driver(domain, inputs, made as PluginStep<AnySource>);
        await recording.waitForSettled(inputs.length, options.settleTimeoutMs);
      } finally {
        await domain.stop();
      }
      return recording;
    } finally {
      recording.close();
    }
  } finally {
    await domain.shutdown();
  }
}

/** Every sample is forwarded or dropped, reported once under the step id, as the declared type. */
export async function expectHandled(
  made: PluginStep<AnyDomain>,
  samples: readonly unknown[],
  options: PluginContractOptions,
): Promise<void> {
  const { outputs, events } = await feed(made, samples, options);
  const errors = events.error.map((e) => `${e.errorType}: ${e.message}`);
  expect(errors, 'error events for the sample inputs').toEqual([]);
  expect(events.success, 'one success event per sample').toHaveLength(samples.length);
  expect(outputs.length + events.dropped.length, 'each sample forwarded or dropped').toBe(samples.length);
  for (const event of events.success) expect(event.domain, 'event domain').toBe(made.context.id);
  for (const output of outputs) {
    expect(matchesType(output, made.output), `output ${String(output)} is a ${made.output}`).toBe(true);
  }
}

/** The throwing input comes back as one error event with a string errorType; nothing is forwarded. */
export async function expectThrownReported(
  made: PluginStep<AnyDomain>,
  options: PluginContractOptions,
): Promise<void> {
  const { outputs, events } = await feed(made, [options.throwingInput], options);
  expect(outputs, 'nothing forwarded').toEqual([]);
  expect(events.success, 'no success event').toEqual([]);
  expect(events.error, 'one error event').toHaveLength(1);
  const event = events.error[0]!;
  expect(event.domain, 'event domain').toBe(made.context.id);
  expect(event.errorType, 'errorType').toBeTypeOf('string');
  expect(event.errorType.length, 'errorType').toBeGreaterThan(0);
  expect(event.message, 'message').toBeTypeOf('string');
  const code = codeOf(event.cause);
  if (typeof code === 'string') expect(event.errorType, 'errorType of a coded error').toBe(code);
  if (options.errorType !== undefined) expect(event.errorType, 'errorType').toBe(options.errorType);
}
