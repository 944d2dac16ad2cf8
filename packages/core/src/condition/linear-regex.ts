import { RE2JS, RE2JSException } from 're2js';

/**
 * Patterns from a config run on RE2 (the re2js port): matching takes time linear in the input
 * whatever the pattern, so one record cannot stall the process with catastrophic backtracking.
 * The price is RE2's syntax: no backreferences and no lookaround; `check` refuses those.
 */
export type LinearRegex = RE2JS;

const FLAG_BITS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  // RE2 matches by code point already: `u` changes nothing.
  u: 0,
};

/**
 * Compiles a JavaScript-style pattern (`(?<name>...)`, `\u0041` are translated) with flags of
 * `imsu`. Throws an Error whose message says why RE2 refuses it.
 */
export function compileLinearRegex(pattern: string, flags = ''): LinearRegex {
  let bits = 0;
  for (const f of flags) {
    const bit = FLAG_BITS[f];
    if (bit === undefined) throw new Error(`flag "${f}" is not supported (use i, m, s, u)`);
    bits |= bit;
  }
  try {
    return RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
  } catch (err) {
    if (!(err instanceof RE2JSException)) throw err;
    throw new Error(`${err.message}${hint(pattern)}`, { cause: err });
  }
}

/** Why a pattern cannot be used, or undefined when it compiles. */
export function regexProblem(pattern: string, flags?: string): string | undefined {
  try {
    compileLinearRegex(pattern, flags);
    return undefined;
  } catch (err) {
    return `not a usable regular expression: ${(err as Error).message}`;
  }
}

function hint(pattern: string): string {
  if (/\\[1-9]|\\k</.test(pattern)) return ' (backreferences are not supported: RE2 matches in linear time)';
  if (/\(\?<?[=!]/.test(pattern))
    return ' (lookahead and lookbehind are not supported: RE2 matches in linear time)';
  return '';
}

/**
 * ajv's `code.regExp` engine: JSON Schema `pattern` and `patternProperties` in a `validate`
 * step run on RE2 too. (`code` names the engine in ajv's standalone output, which is not used.)
 */
export const ajvRegExp = Object.assign((pattern: string) => compileLinearRegex(pattern), {
  code: 'compileLinearRegex',
});
