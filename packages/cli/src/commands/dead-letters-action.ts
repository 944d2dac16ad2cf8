import path from 'node:path';
import {
  loadConfig,
  readDeadLetters,
  summarizeDeadLetters,
  withRotated,
  type DeadLetterSummary,
} from '@tapline/host';
import { UsageError, type CliIo, type OptionValues } from '../command.js';
import { printFailure } from './print-failure.js';
import { whereOption } from './where-option.js';

/** `tapline dead-letters`: reads the letters and prints what failed, where and when. */
export async function deadLetters(values: OptionValues, positionals: string[], io: CliIo): Promise<number> {
  const where = whereOption(values.where);
  let named: string[];
  try {
    named =
      positionals.length > 0
        ? positionals.map((f) => path.resolve(io.cwd, f))
        : [await configured(values, io)];
  } catch (err) {
    printFailure(io, err, values.json === true);
    return 1;
  }
  const files: string[] = [];
  for (const file of named) files.push(...(await withRotated(file)));
  const summary = await summarizeDeadLetters(files, readDeadLetters(files), where);
  if (values.json === true) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else io.stdout.write(render(summary, named, io.cwd));
  return 0;
}

async function configured(values: OptionValues, io: CliIo): Promise<string> {
  const config = await loadConfig({ config: values.config as string | undefined, cwd: io.cwd, env: io.env });
  if (config.deadLetter === false) {
    throw new UsageError(
      `${config.file} keeps no dead letters (deadLetter is false); name the files: tapline dead-letters FILE…`,
    );
  }
  return config.deadLetter.path;
}

function render(s: DeadLetterSummary, named: readonly string[], cwd: string): string {
  const shown = (f: string) => path.relative(cwd, f) || f;
  if (s.files.length === 0) return `No dead letters: ${named.map(shown).join(', ')} does not exist.\n`;
  const first = s.groups.reduce((t, g) => (t === '' || (g.first !== '' && g.first < t) ? g.first : t), '');
  const last = s.groups.reduce((t, g) => (g.last > t ? g.last : t), '');
  const lines = [
    `${s.letters} dead letter${s.letters === 1 ? '' : 's'} in ${s.files.map(shown).join(', ')}` +
      (s.letters > 0 ? `, ${first} to ${last}` : ''),
  ];
  if (s.groups.length > 0) {
    const rows = [
      ['count', 'step', 'error', 'targets', 'first', 'last', 'sample'],
      ...s.groups.map((g) => [
        String(g.count),
        g.step,
        g.errorType,
        g.targets || '-',
        g.first,
        g.last,
        `${oneLine(g.sample.message)}${g.sample.messageId === undefined ? '' : ` (message ${g.sample.messageId})`}`,
      ]),
    ];
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    lines.push(
      '',
      ...rows.map(
        (r) =>
          `  ${r.map((cell, c) => (c === 0 ? cell.padStart(widths[c]!) : c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')}`,
      ),
    );
    const targets = Object.entries(s.byTarget);
    if (targets.length > 0) {
      const width = Math.max(...targets.map(([t]) => t.length));
      lines.push(
        '',
        'By target lacking the record:',
        ...targets.map(([t, n]) => `  ${t.padEnd(width)}  ${n}`),
      );
    }
    lines.push('', 'By hour (UTC):', ...byHour(s));
  }
  if (s.prefixOnly.length > 0) {
    lines.push(
      '',
      `${s.prefixOnly.length} letter${s.prefixOnly.length === 1 ? ' holds' : 's hold'} only the first bytes of the payload ` +
        '(larger than deadLetter.maxPayloadBytes) and cannot be replayed:',
      ...s.prefixOnly.slice(0, 10).map((at) => `  ${shown(at)}`),
      ...(s.prefixOnly.length > 10 ? [`  … and ${s.prefixOnly.length - 10} more (--json lists all)`] : []),
    );
  }
  if (s.inputPrefixOnly.length > 0) {
    const n = s.inputPrefixOnly.length;
    lines.push(
      '',
      `${n} letter${n === 1 ? ' holds' : 's hold'} only the first bytes of the record as the failing step received it ` +
        '(larger than deadLetter.maxPayloadBytes): they cannot enter at that step, only with tapline replay --from-start:',
      ...s.inputPrefixOnly.slice(0, 10).map((at) => `  ${shown(at)}`),
      ...(n > 10 ? [`  … and ${n - 10} more (--json lists all)`] : []),
    );
  }
  if (s.unreadable.length > 0) {
    lines.push(
      '',
      `${s.unreadable.length} line${s.unreadable.length === 1 ? ' is' : 's are'} not a dead letter:`,
      ...s.unreadable.slice(0, 10).map((u) => `  ${shown(u.file)}:${u.line}: ${u.problem}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Each hour's count, then its groups' (in the groups' order) when there is more than one. */
function byHour(s: DeadLetterSummary): string[] {
  const hours = Object.entries(s.byHour);
  const width = Math.max(...hours.map(([, n]) => String(n).length));
  return hours.map(([hour, n]) => {
    const parts = s.groups
      .filter((g) => g.byHour[hour] !== undefined)
      .map((g) => `${g.byHour[hour]} ${g.step} ${g.errorType}${g.targets === '' ? '' : ` [${g.targets}]`}`);
    return `  ${hour}  ${String(n).padStart(width)}${s.groups.length > 1 ? `  (${parts.join('; ')})` : ''}`;
  });
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
}
