import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conformance } from '../bench/lib/cel-conformance.mjs';
import { expressionEnvironment } from '../packages/core/dist/condition/expression-env.js';

// Every test of the claimed subset that Tapline's environment fails, with why. A regression adds
// a name, a fix in the library removes one: either way this list is updated on purpose.
const KNOWN_FAILURES = JSON.parse(
  readFileSync(new URL('fixtures/cel-conformance-failures.json', import.meta.url), 'utf8'),
) as Record<string, string>;

// What the processor's README documents as not conforming; each failure is one of these.
const EXCLUSIONS = ['bytes', 'uint', 'int64 range', 'timestamps', 'protobuf', 'parser', 'checker', 'limits'];

const README = readFileSync(new URL('../plugins/processor/README.md', import.meta.url), 'utf8');

describe("CEL conformance of Tapline's expression environment", () => {
  it("passes the claimed subset of the specification's tests as the processor's README states", () => {
    const env = expressionEnvironment();
    const result = conformance({ compile: (expr) => env.parse(expr) });

    const stated = /through Tapline's environment, (\d+) \/ (\d+) pass/.exec(README);
    expect(stated, "the README's statement of the figures").not.toBeNull();
    expect(result.claimed).toBe(Number(stated![2]));
    expect(result.passed).toBeGreaterThanOrEqual(Number(stated![1]));

    expect(result.failures.sort()).toEqual(Object.keys(KNOWN_FAILURES).sort());
    expect(result.passed).toBe(result.claimed - result.failures.length);
  });

  it('lists a documented exclusion as the reason of every known failure', () => {
    for (const [name, reason] of Object.entries(KNOWN_FAILURES)) {
      const [kind, why] = reason.split(': ');
      expect(EXCLUSIONS, name).toContain(kind);
      expect(why, name).toMatch(/\w/);
      expect(README, `the README names the exclusion "${kind}"`).toContain(`**${kind}**`);
    }
  });
});
