import type { Problem } from '@tapline/core';
import type { ConfigSource } from './config-source.js';
import type { StepConfig } from './loaded-config.js';
import { defaultStepId } from './step-ids.js';

/** Step ids defaulted and checked for duplicates among enabled steps. */
export function readSteps(raw: unknown[], problems: Problem[], source: ConfigSource): StepConfig[] {
  const steps: StepConfig[] = [];
  const firstById = new Map<string, StepConfig>();
  raw.forEach((entry, index) => {
    if (entry === null || typeof entry !== 'object') return;
    const s = entry as Record<string, unknown>;
    if (typeof s.plugin !== 'string') return;
    const pointer = `/pipeline/${index}`;
    const step: StepConfig = {
      id: typeof s.id === 'string' ? s.id : defaultStepId(s.plugin),
      plugin: s.plugin,
      options: (s.options ?? {}) as Record<string, unknown>,
      enabled: s.enabled !== false,
      pointer,
      ...(typeof s.description === 'string' ? { description: s.description } : {}),
    };
    steps.push(step);
    if (!step.enabled) return;
    const first = firstById.get(step.id);
    if (first === undefined) {
      firstById.set(step.id, step);
      return;
    }
    const at = `${pointer}/${typeof s.id === 'string' ? 'id' : 'plugin'}`;
    const firstAt = source.locate(first.pointer);
    problems.push({
      path: at,
      message:
        `duplicate step id "${step.id}" (step ${first.pointer}${firstAt ? ` at line ${firstAt.line}` : ''} has it too); ` +
        'give one of them its own "id"',
      ...source.locate(at),
    });
  });
  return steps;
}
