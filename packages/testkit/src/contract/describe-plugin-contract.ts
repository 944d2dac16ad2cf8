import { describe, expect, it } from 'vitest';
import { API_VERSION, type AnyDomain, type AnySource, type PluginManifest } from '@tapline/core';
import { isSource, resolveType } from '@tapline/core/internal';
import { checkManifest } from '@tapline/host';
import { createPluginStep, type PluginStep } from '../plugin-step.js';
import type { TestContextOptions } from '../test-context.js';
import type { PluginContractOptions } from './contract-options.js';
import { expectDefaultsApplied, expectRejected, validate } from './option-checks.js';
import { expectHandled, expectThrownReported } from './handling-checks.js';

/**
 * The Tapline plugin contract as a vitest suite, in one line:
 * `describePluginContract(plugin, { validOptions: {...}, sampleInputs: [...] })`.
 *
 * Checks the manifest, the options schema (defaults applied, garbage refused with JSON
 * pointers), create → initialize → handle → shutdown, shutdown before initialize and twice,
 * and that a thrown error comes back as an error event with nothing forwarded. Sources are
 * checked without messages unless a `driver` is given.
 */
export function describePluginContract(
  // Any plugin's manifest, even one whose types do not line up: the contract checks it at run time.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- options and domain vary per plugin
  manifest: PluginManifest<any, any>,
  options: PluginContractOptions,
): void {
  const declaresSource = manifest.kind === 'source';
  const contextFields = (): TestContextOptions =>
    typeof options.context === 'function' ? options.context() : { ...options.context };
  const step = (): Promise<PluginStep<AnyDomain>> =>
    createPluginStep(manifest, options.validOptions, contextFields()) as Promise<PluginStep<AnyDomain>>;

  describe(`plugin contract: ${String(manifest?.name)}`, () => {
    it('has a manifest with a name, the current apiVersion, a schema and a create function', () => {
      expect(manifest.name, 'name').toBeTypeOf('string');
      expect(manifest.name.length, 'name').toBeGreaterThan(0);
      expect(manifest.apiVersion, 'apiVersion').toBe(API_VERSION);
      expect([undefined, 'source', 'domain'], 'kind').toContain(manifest.kind);
      expect(manifest.options, 'options schema').toBeTypeOf('object');
      expect(Array.isArray(manifest.options) || manifest.options === null, 'options schema').toBe(false);
      expect(manifest.create, 'create').toBeTypeOf('function');
      if (manifest.check !== undefined) expect(manifest.check, 'check').toBeTypeOf('function');
      expect(() => checkManifest(manifest, 'contract', manifest.name), 'the host accepts it').not.toThrow();
    });

    it('resolves input and output to type names for the valid options', async () => {
      const validated = await validate(manifest, options.validOptions);
      const input = resolveType(manifest.input, validated);
      expect(input, 'input type').toBeTypeOf('string');
      expect(input.length, 'input type').toBeGreaterThan(0);
      for (const fed of [input, 'any']) {
        const output = resolveType(manifest.output, validated, fed);
        expect(output, `output type when fed ${fed}`).toBeTypeOf('string');
        expect(output.length, `output type when fed ${fed}`).toBeGreaterThan(0);
      }
    });

    it('applies the schema defaults to the valid options', async () => {
      await expectDefaultsApplied(manifest, options.validOptions);
    });

    const schemaType = (manifest?.options as { type?: unknown } | undefined)?.type;
    const garbage = [
      ...(schemaType === 'object' ? [{ options: 'not an object', path: '' }] : []),
      ...(options.invalidOptions ?? []),
    ];
    for (const bad of garbage) {
      it(`refuses options ${JSON.stringify(bad.options)} with a problem at "${bad.path}"`, async () => {
        await expectRejected(manifest, bad.options, bad.path);
      });
    }

    const samples = declaresSource && options.driver === undefined ? [] : (options.sampleInputs ?? []);
    it(`creates, initializes, ${samples.length ? `handles ${samples.length} samples, ` : ''}shuts down`, async () => {
      const made = await step();
      expect(made.domain.id, 'the domain id is the step id (pass ctx to BaseDomain)').toBe(made.context.id);
      expect(isSource(made.domain), 'a SourceDomain exactly when the manifest declares kind "source"').toBe(
        declaresSource,
      );
      expect(typeof made.domain.handle, 'a BaseDomain').toBe('function');
      await expectHandled(made, samples, options);
    });

    it('shuts down safely before initialize, and twice', async () => {
      const made = await step();
      await made.domain.shutdown();
      await made.domain.shutdown();
      const again = await step();
      await again.domain.initialize();
      await again.domain.shutdown();
      await again.domain.shutdown();
    });

    if ('throwingInput' in options && (!declaresSource || options.driver !== undefined)) {
      it('reports a thrown error as an error event and forwards nothing', async () => {
        await expectThrownReported((await step()) as PluginStep<AnySource>, options);
      });
    }
  });
}
