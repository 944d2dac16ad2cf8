import { Verdict, type Output } from './output.js';

/** Records of a batch that the outputs of a fan-out take, drop and dead-letter alike. */
export interface SharedFate {
  /** Where the run ends: the first record (index) not in it. */
  end: number;
  /** Outputs that take every record of the run, in one write each. */
  takers: number;
  /** Outputs whose `drop_newest` queue is full for every record of the run. */
  dropped: number;
  /** Outputs whose `dead_letter` queue is full for every record of the run. */
  failed: number;
}

/**
 * Plans a batch routed to several outputs (the same mask for every record) as runs of records
 * that share one fate, so that each run costs one write per output and one answer, whatever
 * its length: a file beside a full next hop takes the whole batch in one append. A record an
 * output writing record by record would take (a ZeroMQ hop with room), or one that must wait
 * for room (`block`), goes alone.
 */
export class FanOutPlan {
  /** Per output: what its queue would hold with the run's records planned so far. */
  private readonly queued: number[];
  private readonly queuedBytes: number[];

  constructor(private readonly outputs: readonly Output[]) {
    this.queued = outputs.map(() => 0);
    this.queuedBytes = outputs.map(() => 0);
  }

  /**
   * The run of records from `from` (routed there: `masks[from] !== 0`) that share record
   * `from`'s fate, into `fate`; false when record `from` must go alone. Records whose mask is 0
   * (not routed) are passed over. Changes nothing in the outputs.
   */
  plan(
    sizes: readonly number[],
    masks: readonly number[],
    from: number,
    mask: number,
    fate: SharedFate,
  ): boolean {
    const outputs = this.outputs;
    for (let k = 0; k < outputs.length; k++) {
      const o = outputs[k]!;
      this.queued[k] = o.queued;
      this.queuedBytes[k] = o.queuedBytes;
    }
    const n = masks.length;
    let i = from;
    for (; i < n; i++) {
      if (masks[i] === 0) continue;
      const size = sizes[i]!;
      let takers = 0;
      let dropped = 0;
      let failed = 0;
      let alone = false;
      for (let k = 0; k < outputs.length && !alone; k++) {
        const o = outputs[k]!;
        if ((mask & o.bit) === 0) continue;
        const v = o.writesBatches
          ? o.verdictAt(this.queued[k]!, this.queuedBytes[k]!, size)
          : o.verdict(size);
        if (v === Verdict.Take && o.writesBatches) takers |= o.bit;
        else if (v === Verdict.Drop) dropped |= o.bit;
        else if (v === Verdict.DeadLetter) failed |= o.bit;
        else alone = true;
      }
      if (i === from) {
        if (alone) return false;
        fate.takers = takers;
        fate.dropped = dropped;
        fate.failed = failed;
      } else if (alone || takers !== fate.takers || dropped !== fate.dropped || failed !== fate.failed) {
        break;
      }
      for (let k = 0; k < outputs.length; k++) {
        if ((takers & outputs[k]!.bit) === 0) continue;
        this.queued[k] = this.queued[k]! + 1;
        this.queuedBytes[k] = this.queuedBytes[k]! + size;
      }
    }
    fate.end = i;
    return true;
  }
}
