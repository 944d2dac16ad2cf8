import { connect, type Socket } from 'node:net';
import { eventually } from '@tapline/testkit';

/** A client of a running host's `GET /api/tap`: every JSON line it received, and how to leave. */
export interface TapClient {
  readonly status: number;
  /** Every line received so far, parsed. */
  readonly lines: Array<Record<string, any>>;
  /** Bytes received on the wire so far (headers excluded). */
  bytes(): number;
  /** Resolves once the host ended the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/** Opens a tap over fetch; `query` as the API takes it. */
export async function openTap(url: string, query: string, token?: string): Promise<TapClient> {
  const controller = new AbortController();
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const res = await fetch(new URL(`/api/tap?${query}`, url), { headers, signal: controller.signal });
  const lines: Array<Record<string, any>> = [];
  let bytes = 0;
  let rest = '';
  const decoder = new TextDecoder();
  const ended = (async () => {
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.byteLength;
        rest += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = rest.indexOf('\n')) !== -1) {
          const line = rest.slice(0, nl);
          rest = rest.slice(nl + 1);
          if (line.startsWith('data: ')) lines.push(JSON.parse(line.slice(6)));
          else if (line !== '') lines.push(JSON.parse(line));
        }
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    }
  })();
  return { status: res.status, lines, bytes: () => bytes, ended, close: () => controller.abort() };
}

/** The record lines of a tap, by side. */
export function records(lines: ReadonlyArray<Record<string, any>>, side = 'output') {
  return lines.filter((l) => l.type === 'record' && l.side === side);
}

/** Sends a raw `GET /api/tap` on a socket that is never read from until `resume` is called. */
export async function stalledTap(
  url: string,
  query: string,
  token: string,
): Promise<{ socket: Socket; resume: () => void; text: () => string }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.pause();
  socket.write(
    `GET /api/tap?${query} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${token}\r\n\r\n`,
  );
  let text = '';
  const resume = () => {
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (text += c));
    socket.resume();
  };
  return { socket, resume, text: () => text };
}

/** Waits until `/api/metrics` answers a value `pick` accepts (not undefined). */
export function metricsUntil<T>(url: string, token: string, pick: (m: any) => T | undefined, what: string) {
  return eventually(
    async () => {
      const res = await fetch(new URL('/api/metrics', url), {
        headers: { authorization: `Bearer ${token}` },
      });
      return pick(await res.json());
    },
    { timeoutMs: 30_000, what },
  );
}
