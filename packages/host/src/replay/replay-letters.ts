import type { Outcome } from '@tapline/core';
import type { DeadLetter, ReadLine } from '../dead-letters/read-dead-letters.js';
import type { Host } from '../runtime/host.js';
import type { ReplayEntry } from '../runtime/inject.js';
import { letterEntry, type ReplayFrom } from './letter-entry.js';
import { letterId, type ReplayLedger } from './replay-ledger.js';

export interface ReplayOptions {
  readonly from: ReplayFrom;
  /** Which letters to replay; the others are left alone. */
  readonly where?: (letter: DeadLetter) => boolean;
  /** Count what would be replayed, send nothing, record nothing. */
  readonly dryRun?: boolean;
  /** Letters in flight at once: what a kill can replay twice. */
  readonly batch?: number;
}

export interface ReplayReport {
  /** Letters sent back through the pipeline. */
  replayed: number;
  completed: number;
  dropped: number;
  /** Failed again: written as a new dead letter with its replay count. */
  failed: number;
  /** Failed again and the new dead letter could not be written. */
  lost: number;
  /** Replayed before and ended for good: left alone. */
  skipped: number;
  /** Not selected by `where`. */
  unselected: number;
  /** Left `sent` by a replay that was killed: replayed again, possibly a second time. */
  resumed: number;
  /**
   * Entered after the source with their payload because the letter holds no record as the
   * failing step received it (written by an earlier version, or its step is gone).
   */
  fromStartInstead: number;
  /** Entered at `--from-step`'s step with their payload: the letter holds no record as that step received it. */
  payloadInstead: number;
  /** Letters that cannot be replayed, where they are and why. */
  readonly refused: { at: string; why: string }[];
  /** Letters per step they entered at (dry run included). */
  readonly entered: Record<string, number>;
}

/** Where replayed records go: a host in this process, or a running one over its HTTP API. */
export interface ReplaySink {
  /** The pipeline's step ids, the source first. */
  readonly steps: readonly string[];
  /** Letters in flight at once at most (the pipeline's `maxInFlight`). */
  readonly maxBatch: number;
  /** Sends the entries in; resolves to each one's outcome once it is durable. */
  send(entries: readonly ReplayEntry[]): Promise<Outcome[]>;
}

/** A host in this process, started without its sources, as a {@link ReplaySink}. */
export function hostSink(host: Host): ReplaySink {
  return {
    steps: host.steps.map((s) => s.id),
    maxBatch: host.config.runtime.maxInFlight,
    send: (entries) => host.replay(entries),
  };
}

/**
 * Sends dead letters back through a pipeline, each exactly once by the ledger: letters already
 * replayed for good are skipped; each batch is recorded `sent` before it enters, and its
 * outcomes before the next batch, so a killed replay repeats at most one batch. A letter that
 * names exporter targets goes to those alone.
 */
export async function replayLetters(
  sink: ReplaySink,
  lines: AsyncIterable<ReadLine>,
  ledger: ReplayLedger,
  options: ReplayOptions,
): Promise<ReplayReport> {
  const report: ReplayReport = {
    replayed: 0,
    completed: 0,
    dropped: 0,
    failed: 0,
    lost: 0,
    skipped: 0,
    unselected: 0,
    resumed: 0,
    fromStartInstead: 0,
    payloadInstead: 0,
    refused: [],
    entered: {},
  };
  const ids = sink.steps;
  const batchSize = Math.max(1, Math.min(options.batch ?? 256, sink.maxBatch));
  let batch: { id: string; at: string; entry: ReplayEntry }[] = [];
  const run = async (): Promise<void> => {
    for (const { id, at } of batch) ledger.record(id, 'sent', at);
    await ledger.flush();
    report.replayed += batch.length;
    const outcomes = await sink.send(batch.map((b) => b.entry));
    outcomes.forEach((o, i) => {
      report[o]++;
      ledger.record(batch[i]!.id, o, batch[i]!.at);
    });
    await ledger.flush();
    batch = [];
  };

  for await (const read of lines) {
    if ('problem' in read) continue;
    const { letter } = read;
    const at = `${read.file}:${read.line}`;
    if (options.where !== undefined && !options.where(letter)) {
      report.unselected++;
      continue;
    }
    const id = letterId(read.text);
    if (ledger.done(id)) {
      report.skipped++;
      continue;
    }
    const entry = letterEntry(letter, ids, options.from);
    if ('problem' in entry) {
      report.refused.push({ at, why: entry.problem });
      continue;
    }
    if (ledger.stateOf(id) === 'sent') report.resumed++;
    if (entry.fromStartInstead) report.fromStartInstead++;
    if (entry.payloadInstead) report.payloadInstead++;
    const step = ids[entry.index]!;
    report.entered[step] = (report.entered[step] ?? 0) + 1;
    if (options.dryRun === true) continue;
    const attributes: Record<string, unknown> = { replays: (letter.replays ?? 0) + 1 };
    if (letter.targets !== undefined && letter.targets.length > 0) attributes.targets = letter.targets;
    batch.push({ id, at, entry: { step, value: entry.value, raw: entry.raw, attributes } });
    if (batch.length >= batchSize) await run();
  }
  if (batch.length > 0) await run();
  return report;
}
