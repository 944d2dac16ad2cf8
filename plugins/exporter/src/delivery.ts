import type { MessageContext } from '@tapline/core';

/** What an output tells the exporter about a record it was given. */
export interface DeliverySink {
  /** The output took it for good. */
  written(d: Delivery, bit: number): void;
  /** The output's policy dropped it (`drop_newest`). */
  dropped(d: Delivery, bit: number): void;
  /** The output gave up on it (`dead_letter` when full, retries run out, a stop): `reason` says why. */
  failed(d: Delivery, bit: number, output: string, reason: string, cause?: unknown): void;
  /** A `block` output that kept it waiting for room has taken it into its queue. */
  admitted(d: Delivery): void;
}

/**
 * One record on its way to the outputs it was routed to: serialized once, shared by all of them,
 * with its fate in each kept as bits (one per output, in the order of the targets). Or several
 * records of a batch that every output takes, drops or dead-letters alike: one write each.
 */
export class Delivery {
  /** Outputs that have not yet said how the record ended there. */
  pending: number;
  written = 0;
  dropped = 0;
  failed = 0;
  /** Outputs (`block`) that keep it waiting for room in their queue. */
  waiting = 0;
  /** Whether the host was told the record is held in the outputs' queues. */
  held = false;
  /** Why each output in `failed` gave up, as `name: reason`; made on failure only. */
  reasons: string[] | undefined;
  cause: unknown;
  resolve: ((value: unknown) => void) | undefined;
  reject: ((err: unknown) => void) | undefined;

  constructor(
    readonly json: string,
    readonly bytes: number,
    readonly message: MessageContext | undefined,
    readonly routed: number,
    outputs: number,
    /** Records it stands for: more than one for the records of a batch that share one fate. */
    readonly records = 1,
  ) {
    this.pending = outputs;
  }
}

/** How many bits a mask has set. */
export function bitCount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}
