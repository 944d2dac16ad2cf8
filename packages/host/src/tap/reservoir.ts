/**
 * A uniform sample of at most `size` of what was offered since the last `take` (Algorithm R):
 * each offered item ends in the sample with the same chance, however many there were.
 */
export class Reservoir<T> {
  private seen = 0;
  private items: T[] = [];

  constructor(
    readonly size: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Where the next offered item goes, or -1 when it is not sampled: ask before making it. */
  slot(): number {
    const n = this.seen++;
    if (n < this.size) return n;
    const j = Math.floor(this.random() * (n + 1));
    return j < this.size ? j : -1;
  }

  put(slot: number, item: T): void {
    this.items[slot] = item;
  }

  /** The sample, and a fresh start. */
  take(): T[] {
    const out = this.items;
    this.items = [];
    this.seen = 0;
    return out;
  }
}
