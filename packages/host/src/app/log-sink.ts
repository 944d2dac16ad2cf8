import path from 'node:path';
import { pino } from 'pino';
import pretty from 'pino-pretty';

/** Where the log goes: `stdout`, `stderr`, or a file's absolute path. */
export type LogTarget = 'stdout' | 'stderr' | { readonly file: string };

/** What pino writes lines to. */
interface LineStream {
  write(line: string): unknown;
}

type Boom = ReturnType<typeof pino.destination>;

/**
 * The stream the application's logger writes to. Its target is known only once the config is
 * read (a stdout target moves the log to stderr), so the lines logged before then are held and
 * written to the target when it is settled. Pretty on a terminal; otherwise pino's buffered
 * destination, written out by `flush` or `flushSync` before the process ends.
 */
export class LogSink implements LineStream {
  private held: string[] | undefined = [];
  private target: LineStream | undefined;
  private boom: Boom | undefined;
  /** Whether the log goes to a file of `log.destination`'s. */
  private file = false;

  /** A sink already settled on a given stream or file descriptor (for embedding and tests). */
  static of(stream: number | NodeJS.WritableStream): LogSink {
    const sink = new LogSink();
    if (typeof stream === 'number') sink.settleOn(sink.open(stream, false));
    else sink.settleOn(stream);
    return sink;
  }

  get settled(): boolean {
    return this.held === undefined;
  }

  write(line: string): void {
    if (this.held !== undefined) this.held.push(line);
    else this.target!.write(line);
  }

  /** Sends the held lines and every later one to `where`; a second call changes nothing. */
  settle(where: LogTarget): void {
    if (this.settled) return;
    if (typeof where === 'object') {
      this.file = true;
      this.settleOn(this.open(path.resolve(where.file), false));
      return;
    }
    const fd = where === 'stderr' ? 2 : 1;
    const tty = (fd === 2 ? process.stderr : process.stdout).isTTY === true;
    this.settleOn(this.open(fd, tty));
  }

  /**
   * Opens the log file anew at its path, after another tool (logrotate) moved it away and sent
   * SIGHUP; lines still buffered go to the new file. Nothing to do for stdout or stderr.
   */
  reopen(): void {
    if (this.file) this.boom?.reopen();
  }

  /** Resolves once every line written so far reached the OS. */
  flush(): Promise<void> {
    const boom = this.boom;
    if (boom === undefined) return Promise.resolve();
    return new Promise<void>((resolve) => boom.flush(() => resolve()));
  }

  /** Writes out every line before returning: for a forced exit. */
  flushSync(): void {
    try {
      this.boom?.flushSync();
    } catch {
      // Nothing buffered, a file not open yet, or a write in progress that will finish on its own.
    }
  }

  private open(dest: number | string, tty: boolean): LineStream {
    if (tty) {
      // Synchronous, so nothing is pending at exit.
      return pretty({
        colorize: true,
        sync: true,
        destination: dest,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname',
      });
    }
    // Asynchronous while running (logging never waits on the pipe or the disk).
    this.boom = pino.destination({ dest, sync: false, minLength: 0, mkdir: true, append: true });
    return this.boom;
  }

  private settleOn(target: LineStream): void {
    const held = this.held ?? [];
    this.held = undefined;
    this.target = target;
    for (const line of held) target.write(line);
  }
}
