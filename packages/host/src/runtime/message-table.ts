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
 * Ids increase in the order messages are taken in, so `id & mask` places the messages in
 * flight side by side; linear probing covers a message that stays while later ids wrap round.
 */
export class MessageTable {
  size = 0;
  private ids: Float64Array;
  private messages: (MessageContext | undefined)[];
  private mask: number;

  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.ids = new Float64Array(capacity).fill(EMPTY);
    this.messages = new Array<MessageContext | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
  }

  add(message: MessageContext): void {
    if ((this.size + 1) * 2 > this.ids.length) this.grow();
    const { ids, mask } = this;
    let i = message.id & mask;
    while (ids[i] !== EMPTY) i = (i + 1) & mask;
    ids[i] = message.id;
    this.messages[i] = message;
    this.size++;
  }

  /** Removes `message`; false when it was not in the table. */
  delete(message: MessageContext): boolean {
    const { ids, mask } = this;
    const id = message.id;
    let i = id & mask;
    for (;;) {
      const at = ids[i]!;
      if (at === EMPTY) return false;
      if (at === id) break;
      i = (i + 1) & mask;
    }
    // Backward-shift deletion: no tombstones, so lookups never slow down with churn.
    let hole = i;
    for (let j = (i + 1) & mask; ids[j] !== EMPTY; j = (j + 1) & mask) {
      const home = ids[j]! & mask;
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
    this.size = 0;
    for (const m of old) this.add(m);
  }
}
