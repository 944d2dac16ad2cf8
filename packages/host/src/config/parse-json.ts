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
    const problems: Problem[] = errors.map((e) => {
      const code = printParseErrorCode(e.error);
      return { path: '', message: READABLE[code] ?? code, ...source.position(e.offset) };
    });
    if (problems.length === 0) problems.push({ path: '', message: 'the file is empty', line: 1, column: 1 });
    // The first syntax error often causes the ones after it; the first is the one to fix.
    throw new ConfigError('TAPLINE_ERR_CONFIG_PARSE', file, problems.slice(0, 5));
  }
  return { value: getNodeValue(tree), source };
}
