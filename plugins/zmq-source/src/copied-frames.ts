import { context } from 'zeromq';

/** libzmq's `ZMQ_ZERO_COPY_RECV` context option: each socket reads it when it is made. */
const ZMQ_ZERO_COPY_RECV = 10;

/** The option setters zeromq.js's `Context` has but does not declare. */
interface ContextOptions {
  getInt32Option(option: number): number;
  setInt32Option(option: number, value: number): void;
}

/**
 * Makes a socket (with `make`) whose received frames each own their bytes.
 *
 * By default libzmq decodes messages in place in an 8 KiB receive buffer, and zeromq.js hands a
 * frame over 128 bytes to JavaScript as a view of it: one frame kept alive keeps the whole buffer,
 * and the messages it held, allocated. V8 is told of the frame's own bytes only, so a record
 * in flight long enough for its frame to be promoted held about 15 KB, until the next full
 * collection, for a 260-byte frame. With the option off, libzmq copies each message out of the
 * buffer on its I/O thread. The process's default context is set for this socket alone and
 * restored at once: other sockets are made as they were.
 */
export function withCopiedFrames<T>(make: () => T): T {
  const options = context as unknown as ContextOptions;
  let previous: number;
  try {
    previous = options.getInt32Option(ZMQ_ZERO_COPY_RECV);
    options.setInt32Option(ZMQ_ZERO_COPY_RECV, 0);
  } catch {
    return make(); // a libzmq without the option: frames are views, as before
  }
  try {
    return make();
  } finally {
    options.setInt32Option(ZMQ_ZERO_COPY_RECV, previous);
  }
}
