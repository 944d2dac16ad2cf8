import { codeOf, AddressError } from '@tapline/core';
import type { Socket } from 'zeromq';

/**
 * Binds or connects a socket, turning ZeroMQ's errno into a coded error that names the address.
 * Returns the endpoint to detach from later: the port ZeroMQ chose for `tcp://host:*`, say.
 */
export async function attach(socket: Socket, mode: 'bind' | 'connect', address: string): Promise<string> {
  try {
    if (mode === 'bind') await socket.bind(address);
    else socket.connect(address);
    return (mode === 'bind' && socket.lastEndpoint) || address;
  } catch (err) {
    const code = codeOf(err);
    if (code === 'EADDRINUSE') {
      throw new AddressError(
        'TAPLINE_ERR_ADDRESS_IN_USE',
        address,
        `Cannot bind ${address}: the address is already in use. Stop the other process, or choose another address.`,
        err,
      );
    }
    throw new AddressError(
      'TAPLINE_ERR_ADDRESS_INVALID',
      address,
      `Cannot ${mode} ${address}: ${(err as Error).message}. Use tcp://host:port, ipc://path or inproc://name.`,
      err,
    );
  }
}

/** Undoes {@link attach}; a socket already closed or detached is fine. */
export async function detach(socket: Socket, mode: 'bind' | 'connect', endpoint: string): Promise<void> {
  if (socket.closed) return;
  try {
    if (mode === 'bind') await socket.unbind(endpoint);
    else socket.disconnect(endpoint);
  } catch {
    // Already gone: nothing more can arrive from it, which is all that detaching is for.
  }
}
