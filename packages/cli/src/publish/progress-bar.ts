/** A one-line progress bar redrawn in place; only meaningful on a terminal. */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WritableStream & { columns?: number },
    private readonly total: number | undefined,
  ) {}

  update(done: number, elapsedMs: number, force = false): void {
    const now = performance.now();
    // Redrawing on every message would cost more than sending it.
    if (!force && now - this.lastDraw < 80) return;
    this.lastDraw = now;
    const rate = elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0;
    const tail = ` ${done}${this.total ? `/${this.total}` : ''} sent, ${rate} msg/s`;
    let bar = '';
    if (this.total) {
      const width = Math.max(10, Math.min(40, (this.out.columns || 80) - tail.length - 10));
      const filled = Math.round((done / this.total) * width);
      bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor((done / this.total) * 100)}%`;
    }
    this.out.write(`\r\x1b[2K${bar}${tail}`);
    this.drawn = true;
  }

  /** Clears the bar's line; safe to call more than once. */
  end(): void {
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }
}
