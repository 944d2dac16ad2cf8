import { prometheus, type Logger } from '@tapline/core';
import { secureCurveSocket, type CurveOptions } from '@tapline/core/curve';
import { capability, Router, type Socket } from 'zeromq';

/** What the source's CURVE set-up needs from its step. */
export interface CurveContext {
  readonly id: string;
  readonly configDir: string;
  readonly registry: prometheus.Registry | undefined;
  readonly log: Logger;
}

const REJECTED = 'tapline_source_auth_rejected_total';

/** One counter per registry, shared by every source step in it (labelled by step). */
function rejectedCounter(registry: prometheus.Registry | undefined): prometheus.Counter<'step' | 'reason'> {
  const existing = registry?.getSingleMetric(REJECTED);
  if (existing !== undefined) return existing as prometheus.Counter<'step' | 'reason'>;
  return new prometheus.Counter({
    name: REJECTED,
    help: 'Connections a CURVE source refused: reason "key" (a client key not allowed), "handshake" (no CURVE, or a wrong server key)',
    labelNames: ['step', 'reason'],
    registers: registry === undefined ? [] : [registry],
  });
}

/**
 * Makes a socket a CURVE client (`serverKey` set) or server before it binds or connects. A
 * server registers its step with the process's ZAP handler, which lets in only the allowed
 * client keys; every refusal is counted and logged. Returns what undoes the registration.
 *
 * @throws CurveError `TAPLINE_ERR_CURVE_UNAVAILABLE` or `TAPLINE_ERR_CURVE_KEY`
 */
export function secureSocket(socket: Socket, curve: CurveOptions, ctx: CurveContext): Promise<() => void> {
  const counter = rejectedCounter(ctx.registry);
  const rejected = {
    key: counter.labels({ step: ctx.id, reason: 'key' }),
    handshake: counter.labels({ step: ctx.id, reason: 'handshake' }),
  };
  return secureCurveSocket(socket, curve, {
    capable: capability.curve,
    where: `Step "${ctx.id}"`,
    configDir: ctx.configDir,
    zapDomain: `tapline:${ctx.id}`,
    router: () => new Router({ linger: 0 }),
    refused: (reason, peer) => {
      rejected[reason].inc();
      ctx.log.warn(
        peer,
        reason === 'key'
          ? 'refused a client whose CURVE key is not allowed'
          : 'refused a connection whose CURVE handshake failed',
      );
    },
  });
}
