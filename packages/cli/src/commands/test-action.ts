import { fileURLToPath } from 'node:url';
import { formatResult, formatSummary, runTests, type TestReport } from '@tapline/host';
import type { CliIo, OptionValues } from '../command.js';
import { printFailure } from './print-failure.js';

// The command's own installation has the built-in plugins, for tests whose config's folder does not.
const installation = fileURLToPath(new URL('../..', import.meta.url));

/** `tapline test`: runs the tests and prints each result as it comes, then the summary line. */
export async function test(values: OptionValues, files: string[], io: CliIo): Promise<number> {
  const json = values.json === true;
  let report: TestReport;
  try {
    report = await runTests({
      files,
      config: values.config as string | undefined,
      cwd: io.cwd,
      resolveFrom: [installation],
      onResult: json ? undefined : (result) => io.stdout.write(formatResult(result, io.cwd)),
    });
  } catch (err) {
    printFailure(io, err, json);
    return 1;
  }
  if (json) io.stdout.write(JSON.stringify({ ok: report.failed === 0, ...report }, null, 2) + '\n');
  else io.stdout.write(`\n${formatSummary(report)}\n`);
  return report.failed === 0 ? 0 : 1;
}
