import { codeOf } from '../error-code.js';
import { z85Encode } from './z85.js';

/** Where libzmq asks a process's ZAP handler about every handshake (RFC 27), per context. */
export const ZAP_ENDPOINT = 'inproc://zeromq.zap.01';

/** Who a CURVE server socket (named by its `zapDomain`) lets in, and what to do on a refusal. */
export interface ZapPolicy {
  readonly allowedClients: ReadonlySet<string>;
  onRejected(rejected: { address: string; publicKey: string | undefined; mechanism: string }): void;
}

/** The slice of a zeromq.js `Router` the handler uses, so core needs no zeromq of its own. */
export interface ZapRouter {
  readonly closed: boolean;
  bind(address: string): Promise<void>;
  receive(): Promise<Buffer[]>;
  send(frames: Array<Buffer | string>): Promise<void>;
  close(): void;
}

/**
 * The one ZAP handler of the process. libzmq allows one per context, and every Tapline plugin
 * uses zeromq.js's default context, so the sockets of several steps share it: each registers
 * its `zapDomain` with its own policy. The handler's router is bound while a domain is
 * registered and closed with the last one, so it never keeps the process alive.
 */
export class ZapAuthority {
  private readonly domains = new Map<string, ZapPolicy>();
  private router: ZapRouter | undefined;

  /** Registers a domain; the returned function unregisters it. `makeRouter` is used once. */
  async register(domain: string, policy: ZapPolicy, makeRouter: () => ZapRouter): Promise<() => void> {
    if (this.domains.has(domain)) throw new Error(`ZAP domain "${domain}" is registered twice`);
    this.domains.set(domain, policy);
    if (this.router === undefined) {
      const router = (this.router = makeRouter());
      try {
        await bindWhenFree(router);
      } catch (err) {
        this.domains.delete(domain);
        this.router = undefined;
        router.close();
        throw err;
      }
      void this.serve(router);
    }
    return () => {
      if (!this.domains.delete(domain) || this.domains.size > 0) return;
      this.router?.close();
      this.router = undefined;
    };
  }

  /** The reply to one ZAP request (routing frames first), allowing only listed CURVE keys. */
  answer(frames: Buffer[]): Array<Buffer | string> {
    const delimiter = frames.findIndex((f) => f.length === 0);
    const envelope = frames.slice(0, delimiter + 1);
    const [version, requestId, domain, address, , mechanism, credential] = frames.slice(delimiter + 1);
    const reply = (status: string, text: string) => [
      ...envelope,
      '1.0',
      requestId ?? '',
      status,
      text,
      '',
      '',
    ];
    if (version?.toString() !== '1.0') return reply('500', 'unsupported ZAP version');
    const policy = this.domains.get(domain?.toString() ?? '');
    const kind = mechanism?.toString() ?? '';
    const publicKey = kind === 'CURVE' && credential?.length === 32 ? z85Encode(credential) : undefined;
    if (policy === undefined) return reply('400', 'unknown domain');
    if (publicKey !== undefined && policy.allowedClients.has(publicKey)) return reply('200', 'OK');
    policy.onRejected({ address: address?.toString() ?? '', publicKey, mechanism: kind });
    return reply('400', 'client key not allowed');
  }

  private async serve(router: ZapRouter): Promise<void> {
    while (!router.closed) {
      try {
        await router.send(this.answer(await router.receive()));
      } catch {
        if (router.closed) return; // closed with the last domain
      }
    }
  }
}

/**
 * Binds the ZAP endpoint. libzmq releases an inproc address only once the socket that held it is
 * reaped, a moment after `close()`: a handler closed with the last domain and bound again for
 * a new one (a restarted source, say) can find the address still taken, so it tries again.
 */
async function bindWhenFree(router: ZapRouter): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await router.bind(ZAP_ENDPOINT);
      return;
    } catch (err) {
      if (codeOf(err) !== 'EADDRINUSE' || attempt >= 50) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

const KEY = Symbol.for('tapline.zap-authority');

/** The process's ZAP authority, shared by every copy of this module (global by symbol). */
export function zapAuthority(): ZapAuthority {
  const holder = globalThis as { [KEY]?: ZapAuthority };
  return (holder[KEY] ??= new ZapAuthority());
}
