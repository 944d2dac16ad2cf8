export type StopReason = 'SIGINT' | 'SIGTERM' | 'abort';

const EXIT_CODES: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Resolves on the first SIGINT or SIGTERM (or when `signal` aborts); SIGHUP calls `hangup`. A second signal while
 * the application stops calls `force` with the conventional exit code (128 + signal number).
 * `dispose` removes the handlers.
 */
export function waitForStop(options: {
  signal?: AbortSignal;
  handleSignals: boolean;
  force: (signal: 'SIGINT' | 'SIGTERM', exitCode: number) => void;
  /** SIGHUP: never stops the application (Node's default would kill it). */
  hangup?: () => void;
}): { stopped: Promise<StopReason>; dispose(): void } {
  let first: StopReason | undefined;
  let resolve!: (reason: StopReason) => void;
  const stopped = new Promise<StopReason>((r) => (resolve = r));
  const onSignal = (sig: 'SIGINT' | 'SIGTERM'): void => {
    if (first === undefined) {
      first = sig;
      resolve(sig);
    } else {
      options.force(sig, EXIT_CODES[sig]);
    }
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  const onAbort = (): void => {
    if (first === undefined) {
      first = 'abort';
      resolve('abort');
    }
  };
  const onHup = (): void => options.hangup?.();
  // Signal handlers do not keep Node's event loop alive: without a handle of its own, a run whose
  // source holds none (no socket, HTTP API off) would end with Node's code 13 instead of waiting.
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  if (options.handleSignals) {
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    process.on('SIGHUP', onHup);
    keepAlive = setInterval(() => {}, 2 ** 30);
    void stopped.then(() => clearInterval(keepAlive));
  }
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    stopped,
    dispose() {
      clearInterval(keepAlive);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
      options.signal?.removeEventListener('abort', onAbort);
    },
  };
}
