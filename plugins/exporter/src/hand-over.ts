import type { ExportTarget } from './target.js';

/**
 * The targets an exporter took over from the one a reload replaced (their socket or file open,
 * with what they still queue), and those it handed on to the one that replaced it. A target is
 * closed by the last exporter that has it: never by one that handed it on, and not by one that
 * took it over but never had a record, while the exporter it came from still runs (the reload
 * failed before the swap): that one gets it back.
 */
export class Handovers {
  private readonly taken = new Map<ExportTarget, Handovers>();
  private readonly given = new Set<ExportTarget>();
  /** Set once the exporter begins to shut down. */
  closing = false;

  /** Takes `target` over from the exporter whose handovers `from` are. */
  take(target: ExportTarget, from: Handovers): void {
    from.given.add(target);
    this.taken.set(target, from);
  }

  /** Whether `target` came open from the exporter before. */
  tookOver(target: ExportTarget): boolean {
    return this.taken.has(target);
  }

  /** Whether `target` was handed on: another exporter writes to it now. */
  handedOn(target: ExportTarget): boolean {
    return this.given.has(target);
  }

  /**
   * Whether this exporter is to close `target` when it shuts down (`live`: it had records);
   * hands it back when it is not its own to close.
   */
  closes(target: ExportTarget, live: boolean): boolean {
    if (this.given.has(target)) return false;
    const from = this.taken.get(target);
    if (from === undefined || from.closing || live) return true;
    from.given.delete(target);
    this.taken.delete(target);
    return false;
  }
}
