import { messageOf } from '@tapline/core';
import { codeLabel, problemsOf, reportedCodes } from '@tapline/core/internal';
import type { CliIo } from '../command.js';

/**
 * How `validate` and `test` report what stopped them: with `--json`, one object on stdout
 * (`ok: false`, the codes, the file, the message and every problem); else the message and its
 * code label on stderr.
 */
export function printFailure(io: CliIo, err: unknown, json: boolean): void {
  const codes = reportedCodes(err);
  if (json) {
    const file = (err as { file?: unknown }).file;
    const report = {
      ok: false,
      ...codes,
      file: typeof file === 'string' ? file : undefined,
      message: messageOf(err),
      problems: problemsOf(err),
    };
    io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  const label = codeLabel(codes);
  io.stderr.write(`${messageOf(err)}${label ? `\n${label}` : ''}\n`);
}
