/** One place an exporter writes to. */
export interface ExportTarget {
  /** Names the target in receipts, logs and errors: `file:/abs/path`, `stdout`, `zmq:tcp://…`. */
  readonly name: string;
  /** Records the target has taken for good: written to the OS, or queued by ZeroMQ. */
  readonly written: number;
  /** Records the target could not take (retries included). */
  readonly failed: number;
  /** Peers a target that accepts connections (a CURVE server) turned away, by reason. */
  readonly peersRefused?: Readonly<Record<string, number>>;
  /**
   * Records whose write was answered while only this process held them (a ZeroMQ socket's
   * queue, which dies with it): a disk buffer keeps its saved cursor this many records behind
   * what it sent, so a crash sends them again. None when left out.
   */
  readonly unconfirmed?: number;
  /** Acquires the file, stream or socket. */
  open(): Promise<void>;
  /**
   * Takes one serialized JSON value (no newline: line-based targets add it). The promise
   * resolves once the target has it for good (a file: its write returned; stdout: the stream's
   * write callback; ZeroMQ: the socket queued it) and rejects with an `ExportError` when it
   * could not (retries included). Throws an `ExportError` when the target takes nothing more.
   * `bytes`, when given, is the JSON's length in UTF-8.
   */
  write(json: string, bytes?: number): Promise<void>;
  /**
   * Optional: takes the records of a batch in one write, with one answer for all of them, as
   * `write` would for each. `bytes`, when given, is their JSON's length in UTF-8, in all.
   */
  writeBatch?(jsons: readonly string[], bytes?: number): Promise<void>;
  /** Reopens files at their paths (log rotation); targets without files leave it out. */
  reopen?(): void;
  /** Writes out everything taken and releases the target; throws when it could not. Idempotent. */
  close(): Promise<void>;
}
