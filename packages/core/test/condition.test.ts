import { describe, expect, it } from 'vitest';
import { compileCondition, conditionProblems } from '../src/condition/index.js';

describe('the condition language', () => {
  it('compiles leaves and combinators that read a record', () => {
    const errors = compileCondition({
      and: [{ field: 'level', in: ['error', 'fatal'] }, { not: { field: 'user.id', exists: false } }],
    });
    expect(errors({ level: 'error', user: { id: 7 } })).toBe(true);
    expect(errors({ level: 'error' })).toBe(false);
    expect(errors({ level: 'info', user: { id: 7 } })).toBe(false);
    expect(compileCondition({ field: 'n', gt: 5 })(7)).toBe(false); // not a record: no match
    expect(compileCondition({ field: 'msg', matches: '^(a+)+$' })({ msg: 'a'.repeat(40) + '!' })).toBe(false);
  });

  it('names every problem the schema cannot, at its path', () => {
    const problems = conditionProblems(
      {
        or: [
          { field: 'a', eq: 1, ne: 2 },
          { field: 'b[', exists: true },
          { field: 'c', matches: '(?=x)' },
        ],
      },
      '/where',
    );
    expect(problems.map((p) => p.path)).toEqual(['/where/or/0', '/where/or/1/field', '/where/or/2/matches']);
    expect(conditionProblems({ field: 'a' }, '')).toHaveLength(1);
    expect(conditionProblems(42, '')).toEqual([]);
    // A string is a CEL expression, checked as one.
    expect(conditionProblems("level == 'info'", '')).toEqual([]);
    expect(conditionProblems('not an object', '/where')).toMatchObject([{ path: '/where', offset: 4 }]);
  });
});
