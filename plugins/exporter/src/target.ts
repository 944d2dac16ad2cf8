/** One place an exporter writes to. */
export interface ExportTarget {
  /** Names the target in receipts, logs and errors: `file:/abs/path`, `stdout`, `zmq:tcp://…`. */
  readonly name: string;
  /** Acquires the file, stream or socket. */
  open(): Promise<void>;
  /**
   * Takes one serialized JSON value (no newline: line-based targets add it). Returns once it is
   * in the target's buffer, or a promise when the target pushes back or sends asynchronously
   * (it settles when the value is taken). Throws an `ExportError` when it cannot be taken.
   */
  write(json: string): void | Promise<void>;
  /** Writes out everything taken and releases the target; throws when it could not. Idempotent. */
  close(): Promise<void>;
}
