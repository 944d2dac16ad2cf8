import { loadCurveKeys, requireCurve, zapAuthority, type CurveOptions, type Logger } from '@tapline/core';
import { capability, Router, type Socket } from 'zeromq';

/**
 * Makes a target's socket a CURVE client (`serverKey` set: the usual case, connecting to a
 * CURVE source) or a CURVE server that lets in only `allowedClients`, through the process's
 * ZAP handler. Call before the socket binds or connects; the result undoes the registration.
 *
 * @throws CurveError `TAPLINE_ERR_CURVE_UNAVAILABLE` or `TAPLINE_ERR_CURVE_KEY`
 */
export async function secureTarget(
  socket: Socket,
  curve: CurveOptions,
  name: string,
  configDir: string,
  log: Logger,
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
  return zapAuthority().register(
    socket.zapDomain,
    {
      allowedClients: keys.allowedClients,
      onRejected: ({ address, publicKey }) =>
        log.warn({ target: name, address, publicKey }, 'refused a peer whose CURVE key is not allowed'),
    },
    () => new Router({ linger: 0 }),
  );
}
