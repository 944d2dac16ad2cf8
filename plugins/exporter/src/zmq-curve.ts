import type { Logger } from '@tapline/core';
import { secureCurveSocket, type CurveOptions, type CurveRefusal } from '@tapline/core/curve';
import { capability, Router, type Socket } from 'zeromq';

/**
 * Makes a target's socket a CURVE client (`serverKey` set: the usual case, connecting to a
 * CURVE source) or a CURVE server that lets in only `allowedClients`, through the process's
 * ZAP handler; a server tells `refused` of every peer it turns away, and logs it. Call before
 * the socket binds or connects; the result undoes the registration.
 *
 * @throws CurveError `TAPLINE_ERR_CURVE_UNAVAILABLE` or `TAPLINE_ERR_CURVE_KEY`
 */
export function secureTarget(
  socket: Socket,
  curve: CurveOptions,
  name: string,
  configDir: string,
  log: Logger,
  refused: (reason: CurveRefusal) => void,
): Promise<() => void> {
  return secureCurveSocket(socket, curve, {
    capable: capability.curve,
    where: `The exporter's target ${name}`,
    configDir,
    zapDomain: `tapline:${name}`,
    router: () => new Router({ linger: 0 }),
    refused: (reason, peer) => {
      refused(reason);
      log.warn(
        { target: name, ...peer },
        reason === 'key'
          ? 'refused a peer whose CURVE key is not allowed'
          : 'refused a peer whose CURVE handshake failed',
      );
    },
  });
}
