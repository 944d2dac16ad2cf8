import type { MessageContext } from '@tapline/core';

const EMPTY = -1;

/**
 * The messages whose outcome is not known yet, by id: an open-addressing table whose slots are
 * allocated once (and doubled when it fills past half), so that adding and removing a message
 * allocates nothing.
 *
 * Why not a `Set`: V8's `Set` makes a new backing table each time deletions fill the old one,
 * and links the old table to the new one. Once an old table has been promoted to the old
 * generation it keeps the new one, and the messages in it, alive through every scavenge until
 * the next full collection: with messages added and removed thousands of times a second, every
 * message was promoted and the process ran a full collection about once a second.
 *
 * Slots by Fibonacci hashing of the id (its low 32 bits times 2^32 / φ, the top bits). Ids
 * increase in the order messages are taken in, and placed by `id & mask` the messages in flight
 * sat side by side in one run of full slots: a deletion, which shifts back what follows it up
 * to the next empty slot, then read the whole run, about a microsecond per message at 1,000 in
 * flight. Scattered, the runs stay a few slots long at any load up to a half.
 */
const GOLDEN = 0x9e3779b1;
export class MessageTable {
  size = 0;
  private ids: Float64Array;
  private messages: (MessageContext | undefined)[];
  private mask: number;
  /** 32 minus the capacity's power of two: `home` keeps the product's top bits. */
  private shift: number;

  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.ids = new Float64Array(capacity).fill(EMPTY);
    this.messages = new Array<MessageContext | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
  }

  /** The slot an id would take in an empty table. */
  private home(id: number): number {
    return Math.imul(id, GOLDEN) >>> this.shift;
  }

  add(message: MessageContext): void {
    if ((this.size + 1) * 2 > this.ids.length) this.grow();
    const { ids, mask } = this;
    let i = this.home(message.id);
    while (ids[i] !== EMPTY) i = (i + 1) & mask;
    ids[i] = message.id;
    this.messages[i] = message;
    this.size++;
  }

  /** Removes `message`; false when it was not in the table. */
  delete(message: MessageContext): boolean {
    const { ids, mask } = this;
    const id = message.id;
    let i = this.home(id);
    for (;;) {
      const at = ids[i]!;
      if (at === EMPTY) return false;
      if (at === id) break;
      i = (i + 1) & mask;
    }
    // Backward-shift deletion: no tombstones, so lookups never slow down with churn.
    let hole = i;
    for (let j = (i + 1) & mask; ids[j] !== EMPTY; j = (j + 1) & mask) {
      const home = this.home(ids[j]!);
      // Move j into the hole unless its home lies cyclically in (hole, j].
      if (hole <= j ? home <= hole || home > j : home <= hole && home > j) {
        ids[hole] = ids[j]!;
        this.messages[hole] = this.messages[j];
        hole = j;
      }
    }
    ids[hole] = EMPTY;
    this.messages[hole] = undefined;
    this.size--;
    return true;
  }

  /** Every message in the table, in id order. */
  values(): MessageContext[] {
    const list: MessageContext[] = [];
    for (const m of this.messages) if (m !== undefined) list.push(m);
    return list.sort((a, b) => a.id - b.id);
  }

  /** The lowest id in the table, or undefined when it is empty. */
  oldestId(): number | undefined {
    let oldest: number | undefined;
    for (const id of this.ids) if (id !== EMPTY && (oldest === undefined || id < oldest)) oldest = id;
    return oldest;
  }

  clear(): void {
    this.ids.fill(EMPTY);
    this.messages.fill(undefined);
    this.size = 0;
  }

  private grow(): void {
    const old = this.values();
    const capacity = this.ids.length * 2;
    this.ids = new Float64Array(capacity).fill(EMPTY);
    this.messages = new Array<MessageContext | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    this.size = 0;
    for (const m of old) this.add(m);
  }
}
