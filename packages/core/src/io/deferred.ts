/** A promise with its settling functions, for work that finishes elsewhere (a batch's write). */
export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Makes a {@link Deferred}. Its promise already has a handler for rejection, so a batch nobody
 * waits on does not become an unhandled rejection; those who wait still get the error.
 */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}
