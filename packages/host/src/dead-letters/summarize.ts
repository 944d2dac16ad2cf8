import type { DeadLetter, ReadLine } from './read-dead-letters.js';

/** Letters of one step, error code and set of missing targets. */
export interface DeadLetterGroup {
  readonly step: string;
  readonly errorType: string;
  /** The exporter targets that lack these records, joined; empty for a step's own failure. */
  readonly targets: string;
  count: number;
  first: string;
  last: string;
  /** The first letter's message and id, as an example. */
  readonly sample: {
    readonly message: string;
    readonly messageId?: number;
    readonly file: string;
    readonly line: number;
  };
  /** Letters whose payload was cut to its first bytes: they cannot be replayed. */
  prefixOnly: number;
  /** Letters whose record as the failing step received it was cut: they replay only `--from-start`. */
  inputPrefixOnly: number;
  /** The group's letters per hour (`2026-12-07T03`, UTC), in time order. */
  readonly byHour: Record<string, number>;
}

export interface DeadLetterSummary {
  readonly files: readonly string[];
  letters: number;
  /** Letters whose payload holds only a prefix, where they are: `file:line`. */
  readonly prefixOnly: string[];
  /**
   * Letters whose record as the failing step received it holds only a prefix, where they are:
   * they cannot enter at that step, only after the source with their payload (`--from-start`).
   */
  readonly inputPrefixOnly: string[];
  /** Lines that are not dead letters, with why. */
  readonly unreadable: { file: string; line: number; problem: string }[];
  readonly groups: DeadLetterGroup[];
  /**
   * Letters per exporter target that lacks their record, by name: a letter naming two targets
   * counts for each, so the counts may add up to more than the letters.
   */
  readonly byTarget: Record<string, number>;
  /** Letters per hour (`2026-12-07T03`, UTC), in time order. */
  readonly byHour: Record<string, number>;
}

/**
 * Counts letters by step, error code and missing targets, with the first and last time, one
 * sample and the count per hour of each group; then per target and per hour over all groups.
 * `where` selects the letters counted.
 */
export async function summarizeDeadLetters(
  files: readonly string[],
  lines: AsyncIterable<ReadLine>,
  where: (letter: DeadLetter) => boolean = () => true,
): Promise<DeadLetterSummary> {
  const summary: DeadLetterSummary = {
    files,
    letters: 0,
    prefixOnly: [],
    inputPrefixOnly: [],
    unreadable: [],
    groups: [],
    byTarget: {},
    byHour: {},
  };
  const groups = new Map<string, DeadLetterGroup>();
  const targetCounts = new Map<string, number>();
  const hours = new Map<string, number>();
  for await (const read of lines) {
    if ('problem' in read) {
      summary.unreadable.push({ file: read.file, line: read.line, problem: read.problem });
      continue;
    }
    const { letter } = read;
    if (!where(letter)) continue;
    summary.letters++;
    const targets = (letter.targets ?? []).join(',');
    const key = `${letter.step}\u0000${letter.errorType}\u0000${targets}`;
    const time = typeof letter.time === 'string' ? letter.time : '';
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        step: letter.step,
        errorType: letter.errorType,
        targets,
        count: 0,
        first: time,
        last: time,
        sample: { message: letter.message, messageId: letter.messageId, file: read.file, line: read.line },
        prefixOnly: 0,
        inputPrefixOnly: 0,
        byHour: {},
      };
      groups.set(key, group);
    }
    group.count++;
    if (time !== '' && (group.first === '' || time < group.first)) group.first = time;
    if (time > group.last) group.last = time;
    if (letter.payloadTruncated !== undefined) {
      group.prefixOnly++;
      summary.prefixOnly.push(`${read.file}:${read.line}`);
    } else if (letter.inputTruncated !== undefined) {
      group.inputPrefixOnly++;
      summary.inputPrefixOnly.push(`${read.file}:${read.line}`);
    }
    for (const target of new Set(letter.targets ?? []))
      targetCounts.set(target, (targetCounts.get(target) ?? 0) + 1);
    const hour = time.slice(0, 13);
    if (hour !== '') {
      hours.set(hour, (hours.get(hour) ?? 0) + 1);
      group.byHour[hour] = (group.byHour[hour] ?? 0) + 1;
    }
  }
  summary.groups.push(
    ...[...groups.values()]
      .sort((a, b) => b.count - a.count || (a.first < b.first ? -1 : 1))
      .map((g) => ({ ...g, byHour: inOrder(Object.entries(g.byHour), byName) })),
  );
  // The most letters first; ties by name.
  Object.assign(
    summary.byTarget,
    inOrder([...targetCounts], (a, b) => b[1] - a[1] || byName(a, b)),
  );
  Object.assign(summary.byHour, inOrder([...hours], byName));
  return summary;
}

type Count = [string, number];

const byName = (a: Count, b: Count): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** The counts as an object whose keys keep the order given (it keeps insertion order). */
function inOrder(counts: Count[], order: (a: Count, b: Count) => number): Record<string, number> {
  return Object.fromEntries(counts.sort(order));
}
