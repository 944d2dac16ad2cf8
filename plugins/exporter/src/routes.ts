import { compileCondition, type Predicate } from '@tapline/core/condition';
import type { ExporterOptions } from './options.js';

/** Each target's name: its own, or its type made unique (file, file-2, …). */
export function targetNames(targets: ExporterOptions['targets']): string[] {
  const taken = new Set(targets.flatMap((t) => (t.name === undefined ? [] : [t.name])));
  return targets.map((t) => {
    if (t.name !== undefined) return t.name;
    let name: string = t.type;
    for (let n = 2; taken.has(name); n++) name = `${t.type}-${n}`;
    taken.add(name);
    return name;
  });
}

/**
 * The exporter's routing: for a record, the mask of the targets it goes to (bit i: target i).
 * `all`: every target whose `where` holds (one without `where` takes every record); `first`:
 * the first such target. A record no target takes goes to `unmatched` (0: it is dropped).
 */
export function compileRoutes(
  options: Pick<ExporterOptions, 'targets' | 'route'>,
  unmatched: number,
): { wheres: (Predicate | undefined)[]; route: (record: unknown) => number } {
  const wheres = options.targets.map((t) => (t.where === undefined ? undefined : compileCondition(t.where)));
  const n = wheres.length;
  const first = options.route === 'first';
  if (wheres.every((w) => w === undefined)) {
    const mask = first ? 1 : n === 32 ? -1 : (1 << n) - 1;
    return { wheres, route: () => mask };
  }
  return {
    wheres,
    route(record) {
      let mask = 0;
      for (let i = 0; i < n; i++) {
        const where = wheres[i];
        if (where !== undefined && !where(record)) continue;
        if (first) return 1 << i;
        mask |= 1 << i;
      }
      return mask === 0 ? unmatched : mask;
    },
  };
}

/** Which records a target takes, in words: for `tapline validate`, the metrics and the dashboard. */
export function describeRoute(where: unknown, first: boolean, unmatched: boolean): string {
  const taken = where === undefined ? 'every record' : `where ${JSON.stringify(where)}`;
  const route = !first
    ? taken
    : where === undefined
      ? 'every record no earlier target takes'
      : `${taken} (first match)`;
  return unmatched ? `${route}, and the unmatched` : route;
}
