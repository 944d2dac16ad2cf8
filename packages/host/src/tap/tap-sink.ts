import type { Writable } from 'node:stream';
import { TAP_BUFFER_BYTES, TAP_BUFFER_LINES, type TapCounters } from './tap-registry.js';

/**
 * A tap client's bounded buffer in front of its connection. Lines wait here while the
 * connection pushes back; when the buffer is full a newer sample is skipped and counted, and
 * the count reaches the client as `{"type":"skipped","count":N}` before the next lines. Lines
 * are written outside the step's path, many in one write.
 */
export class TapSink {
  private lines: string[] = [];
  private bytes = 0;
  /** Skipped since the client was last told. */
  private unreported = 0;
  private scheduled = false;
  private waiting = false;
  private closed = false;

  constructor(
    private readonly out: Writable,
    /** One JSON line as the connection carries it (NDJSON, or an SSE event). */
    private readonly frame: (json: string) => string,
    private readonly counters: TapCounters,
    private readonly maxLines = TAP_BUFFER_LINES,
    private readonly maxBytes = TAP_BUFFER_BYTES,
  ) {}

  /** True when a record line would be skipped: test it before serializing one. */
  get full(): boolean {
    return this.lines.length >= this.maxLines || this.bytes >= this.maxBytes;
  }

  skip(): void {
    this.unreported++;
    this.counters.skipped++;
    this.schedule();
  }

  /** Queues a record line; callers test {@link TapSink.full} first. */
  push(line: string): void {
    if (this.closed) return;
    this.lines.push(line);
    this.bytes += line.length;
    this.counters.buffered++;
    this.schedule();
  }

  /** Writes a line that is not a sample (a followed message's outcome), whatever the buffer holds. */
  tell(line: string): void {
    if (!this.closed) this.out.write(this.frame(line));
  }

  /** Writes what waits and ends the response. */
  end(): void {
    if (this.closed) return;
    this.flush(true);
    this.close();
    this.out.end();
  }

  /** Forgets what waits (the connection is gone). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.counters.buffered -= this.lines.length;
    this.lines = [];
    this.bytes = 0;
  }

  private schedule(): void {
    if (this.scheduled || this.waiting || this.closed) return;
    this.scheduled = true;
    setImmediate(this.flushLater);
  }

  private readonly flushLater = (): void => {
    this.scheduled = false;
    this.flush(false);
  };

  private flush(force: boolean): void {
    if (this.closed || (this.waiting && !force)) return;
    let chunk = '';
    if (this.unreported > 0) {
      chunk += this.frame(`{"type":"skipped","count":${this.unreported}}`);
      this.unreported = 0;
    }
    for (const line of this.lines) chunk += this.frame(line);
    this.counters.buffered -= this.lines.length;
    this.counters.sent += this.lines.length;
    this.lines = [];
    this.bytes = 0;
    if (chunk === '' || this.out.write(chunk) || force) return;
    // The client does not read as fast: wait, and let the buffer bound what waits meanwhile.
    this.waiting = true;
    this.out.once('drain', () => {
      this.waiting = false;
      if (this.lines.length !== 0 || this.unreported !== 0) this.schedule();
    });
  }
}
