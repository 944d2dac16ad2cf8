import type { IncomingMessage, ServerResponse } from 'node:http';
import { TapQueryError } from '@tapline/core/internal';
import { readTapQuery, type TapQuery } from '../tap/tap-query.js';
import type { TapCounters, TapSnapshot } from '../tap/tap-registry.js';
import { TapSink } from '../tap/tap-sink.js';

/** What `GET /api/tap` taps: a running host. */
export interface TapTarget {
  /** The step ids, in pipeline order. */
  tapSteps(): string[];
  /** Attaches a client's taps; returns what detaches them. @throws TapQueryError */
  openTap(query: TapQuery, sink: TapSink, onEnd: () => void): () => void;
  readonly tapCounters: TapCounters;
  /** For `/api/metrics` `taps`. */
  snapshot(): TapSnapshot;
}

const sseFrame = (json: string) => `data: ${json}\n\n`;
const ndjsonFrame = (json: string) => `${json}\n`;

/**
 * `GET /api/tap`: streams a step's records as NDJSON (chunked) or server-sent events until the
 * limit, the followed message's outcome, or the client leaving, which detaches the tap.
 */
export function tapRoute(
  req: IncomingMessage,
  res: ServerResponse,
  target: TapTarget,
  sendJson: (res: ServerResponse, status: number, value: unknown) => void,
): void {
  if (req.method !== 'GET') {
    res.setHeader('allow', 'GET');
    return sendJson(res, 405, { error: `${req.method} is not allowed on /api/tap` });
  }
  const params = new URL(req.url ?? '/', 'http://tap').searchParams;
  let query: TapQuery;
  let sink: TapSink;
  let close: () => void;
  try {
    query = readTapQuery(params, target.tapSteps(), req.headers.accept);
    sink = new TapSink(res, query.sse ? sseFrame : ndjsonFrame, target.tapCounters);
    close = target.openTap(query, sink, () => sink.end());
  } catch (err) {
    if (!(err instanceof TapQueryError)) throw err;
    const { code, param, offset } = err;
    return sendJson(res, 400, {
      error: err.message,
      code,
      param,
      ...(offset === undefined ? {} : { offset }),
    });
  }
  res.writeHead(200, {
    'content-type': query.sse ? 'text/event-stream; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.flushHeaders();
  res.on('close', () => {
    close();
    sink.close();
  });
}
