import { loadCurveKeys, requireCurve, zapAuthority, type CurveOptions, type Logger } from '@tapline/core';
import { capability, Router, type Socket } from 'zeromq';

/** Why a CURVE server target refused a peer: a key not allowed, or a handshake that failed. */
export type RefusalReason = 'key' | 'handshake';

/**
 * Makes a target's socket a CURVE client (`serverKey` set: the usual case, connecting to a
 * CURVE source) or a CURVE server that lets in only `allowedClients`, through the process's
 * ZAP handler; a server tells `refused` of every peer it turns away, and logs it. Call before
 * the socket binds or connects; the result undoes the registration.
 *
 * @throws CurveError `TAPLINE_ERR_CURVE_UNAVAILABLE` or `TAPLINE_ERR_CURVE_KEY`
 */
export async function secureTarget(
  socket: Socket,
  curve: CurveOptions,
  name: string,
  configDir: string,
  log: Logger,
  refused: (reason: RefusalReason) => void,
): Promise<() => void> {
  requireCurve(capability.curve, `The exporter's target ${name}`);
  const keys = await loadCurveKeys(curve, configDir);
  socket.curveSecretKey = keys.secretKey;
  if (keys.role === 'client') {
    socket.curvePublicKey = keys.publicKey;
    socket.curveServerKey = keys.serverKey;
    return () => {};
  }
  socket.curveServer = true;
  socket.zapDomain = `tapline:${name}`;
  const unregister = await zapAuthority().register(
    socket.zapDomain,
    {
      allowedClients: keys.allowedClients,
      onRejected: ({ address, publicKey }) => {
        refused('key');
        log.warn({ target: name, address, publicKey }, 'refused a peer whose CURVE key is not allowed');
      },
    },
    () => new Router({ linger: 0 }),
  );
  // A peer without CURVE, or with a wrong server key, never reaches ZAP: its handshake fails first.
  socket.events.on('handshake:error:protocol', ({ address, error }) => {
    refused('handshake');
    log.warn({ target: name, address, reason: error.code }, 'refused a peer whose CURVE handshake failed');
  });
  return unregister;
}
