import type { CurveOptions } from './curve-options.js';
import { loadCurveKeys, requireCurve } from './curve-keys.js';
import { zapAuthority, type ZapRouter } from './zap-authority.js';

/**
 * What CURVE set-up writes on a zeromq.js socket and watches on it (core does not depend on
 * zeromq: a zeromq.js `Socket` is one).
 */
export interface CurveSocket {
  curveServer: boolean;
  curvePublicKey: string | null;
  curveSecretKey: string | null;
  curveServerKey: string | null;
  zapDomain: string | null;
  readonly events: {
    on(
      type: 'handshake:error:protocol',
      listener: (event: { address: string; error: { code: string } }) => void,
    ): unknown;
  };
}

/** Why a CURVE server refused a peer: a client key not allowed, or a handshake that failed. */
export type CurveRefusal = 'key' | 'handshake';

/** What {@link secureCurveSocket} needs besides the socket and its `curve` option. */
export interface CurveSetup {
  /** zeromq.js's `capability.curve`. */
  readonly capable: boolean | undefined;
  /** Names the socket in errors: `Step "ingest"`, say. */
  readonly where: string;
  /** Key files resolve against it. */
  readonly configDir: string;
  /** The ZAP domain of a CURVE server: one per socket in the process. */
  readonly zapDomain: string;
  /** Makes the process's ZAP handler socket (a zeromq.js `Router`), if none is open yet. */
  readonly router: () => ZapRouter;
  /**
   * Told of every peer a CURVE server turns away, with what identifies it: the client's
   * `publicKey` for a key not allowed, the handshake's error code as `reason` for a failed one.
   */
  refused(reason: CurveRefusal, peer: { address: string; publicKey?: string; reason?: string }): void;
}

/**
 * Makes a socket a CURVE client (`serverKey` set) or a CURVE server that lets in only the
 * allowed client keys, through the process's ZAP handler. Call before the socket binds or
 * connects; the result undoes the ZAP registration.
 *
 * @throws CurveError `TAPLINE_ERR_CURVE_UNAVAILABLE` or `TAPLINE_ERR_CURVE_KEY`
 */
export async function secureCurveSocket(
  socket: CurveSocket,
  curve: CurveOptions,
  setup: CurveSetup,
): Promise<() => void> {
  requireCurve(setup.capable, setup.where);
  const keys = await loadCurveKeys(curve, setup.configDir);
  socket.curveSecretKey = keys.secretKey;
  if (keys.role === 'client') {
    socket.curvePublicKey = keys.publicKey;
    socket.curveServerKey = keys.serverKey;
    return () => {};
  }
  socket.curveServer = true;
  socket.zapDomain = setup.zapDomain;
  const unregister = await zapAuthority().register(
    setup.zapDomain,
    {
      allowedClients: keys.allowedClients,
      onRejected: ({ address, publicKey }) => setup.refused('key', { address, publicKey }),
    },
    setup.router,
  );
  // A peer without CURVE, or with a wrong server key, never reaches ZAP: its handshake fails first.
  socket.events.on('handshake:error:protocol', ({ address, error }) =>
    setup.refused('handshake', { address, reason: error.code }),
  );
  return unregister;
}
