/** How the conformance tests are run on one implementation (see cel-conformance.mjs). */
export interface ConformanceRun {
  compile(expr: string): (bindings: Record<string, unknown>) => unknown;
  ints?: 'bigint' | 'number';
  loose?: boolean;
}

export interface ConformanceResult {
  claimed: number;
  passed: number;
  failures: string[];
}

export const CLAIMED: Record<string, string[] | null>;
export function claimedTests(): Generator<{ name: string; test: unknown }>;
export function fromValue(v: unknown, ints: 'bigint' | 'number'): unknown;
export function canon(x: unknown, loose?: boolean): string;
export function conformance(run: ConformanceRun): ConformanceResult;
