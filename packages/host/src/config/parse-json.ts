import { ConfigError, type Problem } from '@tapline/core';
import { getNodeValue, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ConfigSource } from './config-source.js';

const READABLE: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'expected the end of the file',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in string',
};

/**
 * Parses a config file's text as strict JSON (no comments, no trailing commas) and keeps its
 * tree for positions. Throws ConfigError TAPLINE_ERR_CONFIG_PARSE listing every syntax error
 * with its line and column.
 */
export function parseConfigText(file: string, text: string): { value: unknown; source: ConfigSource } {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const source = new ConfigSource(file, text, errors.length === 0 ? tree : undefined);
  if (errors.length > 0 || tree === undefined) {
    const problems = syntaxProblems(text, errors, source);
    if (problems.length === 0) problems.push({ path: '', message: 'the file is empty', line: 1, column: 1 });
    // The first syntax error often causes the ones after it; the first is the one to fix.
    throw new ConfigError('TAPLINE_ERR_CONFIG_PARSE', file, problems.slice(0, 5));
  }
  return { value: getNodeValue(tree), source };
}

/**
 * One problem per position: jsonc-parser reports each way it tried to recover (a trailing comma
 * is both "expected a property name" and "expected a value"; a truncated file closes every open
 * bracket at its end), which says nothing more to the reader than the first.
 */
function syntaxProblems(text: string, errors: readonly ParseError[], source: ConfigSource): Problem[] {
  const seen = new Set<number>();
  const problems: Problem[] = [];
  for (const e of errors) {
    const comma = trailingComma(text, e.offset);
    const offset = comma ?? e.offset;
    if (seen.has(offset)) continue;
    seen.add(offset);
    const code = printParseErrorCode(e.error);
    const message =
      comma === undefined ? (READABLE[code] ?? code) : 'a trailing comma is not allowed in JSON: remove it';
    problems.push({ path: '', message, ...source.position(offset) });
  }
  return problems;
}

/** The offset of the comma before a closing bracket at `offset`, when that is what went wrong. */
function trailingComma(text: string, offset: number): number | undefined {
  const close = text[offset];
  if (close !== '}' && close !== ']') return undefined;
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  return text[i] === ',' ? i : undefined;
}
