import { TapQueryError } from '@tapline/core/internal';
import { compileCondition, conditionProblems, type Condition, type Predicate } from '@tapline/core/condition';
import { TAP_SIDES, type TapSide } from './tap-listener.js';
import { unknownStep } from './tap-registry.js';

/** A tap request, read from `GET /api/tap`'s query. */
export interface TapQuery {
  /** The steps tapped, in the order named; default the last step. */
  readonly steps: readonly string[];
  /** Default `output`. */
  readonly sides: readonly TapSide[];
  readonly where?: Predicate;
  readonly rate?: number;
  readonly limit?: number;
  /** Follow one message through every step: its id, or the next one (matching `where`). */
  readonly follow?: number | 'next';
  /** Server-sent events instead of NDJSON. */
  readonly sse: boolean;
}

/**
 * Reads a tap request: `step` (repeatable), `side` (repeatable, or comma-separated), `where`
 * (CEL, or a condition object as JSON), `rate` (`N` or `N/s`), `limit`, `follow` and `format`.
 *
 * @throws TapQueryError naming the part that is wrong (a `where`
 *   problem carries its `offset` in the expression)
 */
export function readTapQuery(params: URLSearchParams, steps: readonly string[], accept = ''): TapQuery {
  const named = params
    .getAll('step')
    .flatMap((s) => s.split(','))
    .filter((s) => s !== '');
  for (const s of named) if (!steps.includes(s)) throw unknownStep(s, steps);
  const sides = params
    .getAll('side')
    .flatMap((s) => s.split(','))
    .filter((s) => s !== '');
  for (const s of sides) {
    if (!(TAP_SIDES as readonly string[]).includes(s))
      throw new TapQueryError('side', `side "${s}" is not one of ${TAP_SIDES.join(', ')}.`);
  }
  const format = params.get('format');
  if (format !== null && format !== 'sse' && format !== 'ndjson')
    throw new TapQueryError('format', `format "${format}" is not sse or ndjson.`);
  return {
    steps: named.length !== 0 ? [...new Set(named)] : steps.slice(-1),
    sides: sides.length !== 0 ? [...new Set(sides as TapSide[])] : ['output'],
    where: whereOf(params.get('where')),
    rate: numberOf(params.get('rate'), 'rate', /^(\d+(?:\.\d+)?)(?:\/s)?$/),
    limit: numberOf(params.get('limit'), 'limit', /^(\d+)$/),
    follow: params.get('follow') === 'next' ? 'next' : numberOf(params.get('follow'), 'follow', /^(\d+)$/),
    sse: format === 'sse' || (format === null && /\btext\/event-stream\b/.test(accept)),
  };
}

function numberOf(raw: string | null, name: string, form: RegExp): number | undefined {
  if (raw === null) return undefined;
  const n = Number(form.exec(raw.trim())?.[1]);
  if (!(n > 0) || !Number.isFinite(n)) {
    const want = name === 'rate' ? 'records a second, above 0 (5 or 5/s)' : 'a whole number above 0';
    throw new TapQueryError(
      name,
      `${name} "${raw}" is not ${want}${name === 'follow' ? ', or "next"' : ''}.`,
    );
  }
  return n;
}

function whereOf(raw: string | null): Predicate | undefined {
  if (raw === null) return undefined;
  let condition: unknown = raw;
  if (raw.trimStart().startsWith('{')) {
    try {
      condition = JSON.parse(raw);
    } catch {
      throw new TapQueryError(
        'where',
        `where: ${raw} is neither a CEL expression nor a JSON condition object.`,
      );
    }
  }
  const [first] = conditionProblems(condition, '');
  if (first !== undefined) {
    throw new TapQueryError('where', `where: ${first.message}`, first.offset);
  }
  return compileCondition(condition as Condition);
}
