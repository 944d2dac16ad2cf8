import path from 'node:path';
import {
  ReplayLedger,
  createHost,
  loadConfig,
  type LoadedConfig,
  hostSink,
  loadPipeline,
  readDeadLetters,
  replayLetters,
  withRotated,
  type ReplayFrom,
  type ReplayReport,
} from '@tapline/host';
import { UsageError, type CliIo, type OptionValues } from '../command.js';
import { apiToken } from './host-api-flags.js';
import { printFailure } from './print-failure.js';
import { remoteSink } from './remote-sink.js';
import { whereOption } from './where-option.js';

/** `tapline replay`: sends dead letters back through the config's pipeline, each once. */
export async function replay(values: OptionValues, positionals: string[], io: CliIo): Promise<number> {
  const from = fromOption(values);
  const where = whereOption(values.where);
  const json = values.json === true;
  let host;
  try {
    const url = typeof values.url === 'string' ? values.url : undefined;
    const named = positionals.map((f) => path.resolve(io.cwd, f));
    let sink;
    if (url !== undefined) {
      if (named.length === 0) named.push(await deadLetterPath(values, io));
      sink = await remoteSink(url, apiToken(values, io));
    } else {
      const { config, steps } = await loadPipeline({
        config: values.config as string | undefined,
        cwd: io.cwd,
        env: io.env,
        installation: [import.meta.url],
      });
      if (named.length === 0) named.push(deadLetterOf(config));
      host = await createHost(config, { env: io.env, planned: steps });
      if (values['dry-run'] !== true) await host.start({ sources: false });
      sink = hostSink(host);
    }
    const files: string[] = [];
    for (const file of named) files.push(...(await withRotated(file)));
    const ledger = await ReplayLedger.open(`${named[0]}.replay.ndjson`);
    const dryRun = values['dry-run'] === true;
    const report = await replayLetters(sink, readDeadLetters(files), ledger, { from, where, dryRun });
    const stopped = await host?.stop();
    if (json) io.stdout.write(`${JSON.stringify({ ...report, ledger: ledger.file, dryRun }, null, 2)}\n`);
    else io.stdout.write(render(report, ledger.file, dryRun, io.cwd));
    const clean =
      report.failed + report.lost + report.refused.length === 0 && (stopped?.errors.length ?? 0) === 0;
    return clean ? 0 : 1;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    await host?.stop();
    printFailure(io, err, json);
    return 1;
  }
}

async function deadLetterPath(values: OptionValues, io: CliIo): Promise<string> {
  return deadLetterOf(
    await loadConfig({ config: values.config as string | undefined, cwd: io.cwd, env: io.env }),
  );
}

function deadLetterOf(config: LoadedConfig): string {
  if (config.deadLetter === false) {
    throw new UsageError(
      `${config.file} keeps no dead letters (deadLetter is false); name them: tapline replay FILE…`,
    );
  }
  return config.deadLetter.path;
}

function fromOption(values: OptionValues): ReplayFrom {
  const step = values['from-step'];
  if (typeof step === 'string' && values['from-start'] === true) {
    throw new UsageError('--from-step and --from-start choose the same thing: give one of them.');
  }
  if (typeof step === 'string') return { kind: 'step', step };
  return values['from-start'] === true ? { kind: 'start' } : { kind: 'failed' };
}

function render(r: ReplayReport, ledger: string, dryRun: boolean, cwd: string): string {
  const shown = (f: string) => path.relative(cwd, f) || f;
  const entered = Object.entries(r.entered)
    .map(([step, n]) => `${n} at ${step}`)
    .join(', ');
  const lines = dryRun
    ? [
        `dry run: would replay ${Object.values(r.entered).reduce((a, b) => a + b, 0)} (${entered || 'none'}); skipped=${r.skipped}`,
      ]
    : [
        `replay: replayed=${r.replayed} completed=${r.completed} dropped=${r.dropped} failed=${r.failed} lost=${r.lost} skipped=${r.skipped}`,
        ...(entered ? [`  entered ${entered}`] : []),
      ];
  if (r.unselected > 0) lines.push(`  ${r.unselected} not selected by --where`);
  if (r.resumed > 0)
    lines.push(
      `  ${r.resumed} left in flight by an earlier replay that was cut short: replayed again, possibly twice`,
    );
  if (r.fromStartInstead > 0) {
    lines.push(
      `  ${r.fromStartInstead} entered after the source with their payload: their letters hold no record as the failing step received it (written by an earlier version or a stop that gave up on it, or the step is gone)`,
    );
  }
  if (r.payloadInstead > 0) {
    lines.push(
      `  ${r.payloadInstead} entered at --from-step's step with their payload: their letters hold the record as another step received it`,
    );
  }
  if (r.failed > 0)
    lines.push(`  ${r.failed} failed again: written as new dead letters, with their replay count`);
  if (r.refused.length > 0) {
    lines.push(
      `  ${r.refused.length} refused:`,
      ...r.refused.slice(0, 10).map((x) => `    ${shown(x.at)}: ${x.why}`),
    );
  }
  if (!dryRun) lines.push(`  ledger: ${shown(ledger)}`);
  return `${lines.join('\n')}\n`;
}
