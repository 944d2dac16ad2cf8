import { messageOf } from '@tapline/core';
import { ConfigNotFoundError, codeLabel, problemsOf, reportedCodes } from '@tapline/core/internal';
import type { Logger } from 'pino';

/**
 * Reports an error that ends the application: the full text (every config problem with its
 * file:line:col) on stderr for the person at the terminal, and one structured log line.
 */
export function reportFailure(
  logger: Logger | undefined,
  stderr: NodeJS.WritableStream,
  err: unknown,
  what: string,
): void {
  const codes = reportedCodes(err);
  const label = codeLabel(codes);
  stderr.write(`tapline: ${what}: ${messageOf(err)}${label ? ` ${label}` : ''}\n`);
  if (logger === undefined) return;
  const listed = problemsOf(err);
  const problems = listed.length > 0 ? listed : undefined;
  // A missing config is the user's next step to take, not a fault: no stack trace for it.
  const detail = err instanceof ConfigNotFoundError ? {} : { err };
  logger.fatal({ ...detail, ...codes, problems }, `${what}: ${firstLine(messageOf(err))}`);
}

function firstLine(text: string): string {
  const i = text.indexOf('\n');
  return i === -1 ? text : text.slice(0, i);
}
