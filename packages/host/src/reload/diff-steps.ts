import type { PlannedStep } from '../plan/chain.js';
import type { HostStep } from '../runtime/host-types.js';

/** Whether two JSON values (validated options) are equal, whatever their keys' order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(b, k) && sameJson(ra[k], rb[k]));
}

/** How a new plan relates to the running steps. */
export interface StepDiff {
  /** For each planned step, the running step it keeps (same id, plugin and options), if any. */
  readonly kept: ReadonlyArray<HostStep | undefined>;
  /** Running steps the new plan does not keep: shut down once their messages are done. */
  readonly removed: readonly HostStep[];
}

/**
 * Matches a new plan against the running steps. A step is kept, instance, state and metrics
 * and all, when its id, its plugin (the same loaded manifest, from the same specifier and
 * file) and its validated options are unchanged; where it sits in the chain does not matter.
 */
export function diffSteps(running: readonly HostStep[], planned: readonly PlannedStep[]): StepDiff {
  const byId = new Map(running.map((s) => [s.id, s]));
  const kept = planned.map((p) => {
    const s = byId.get(p.id);
    const same =
      s !== undefined &&
      s.planned.manifest === p.manifest &&
      s.planned.specifier === p.specifier &&
      s.planned.url === p.url &&
      sameJson(s.planned.options, p.options);
    return same ? s : undefined;
  });
  const keptDomains = new Set(kept.map((s) => s?.domain));
  return { kept, removed: running.filter((s) => !keptDomains.has(s.domain)) };
}
