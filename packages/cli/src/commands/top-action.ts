import { performance } from 'node:perf_hooks';
import { positiveInteger } from '../args.js';
import type { CliIo, OptionValues } from '../command.js';
import { DEFAULT_URL, authHeaders, callHost } from './host-api.js';
import { plainLines } from './top-format.js';
import { topTerminal } from './top-terminal.js';
import { REFRESH_MS, sortSteps, topView, type TopMetrics, type TopView } from './top-view.js';
import { apiToken } from './host-api-flags.js';

export { DEFAULT_URL } from './host-api.js';

/** Polls a running host's `/api/metrics`; each view has rates against the poll before it. */
export function poller(url: string, token: string | undefined): () => Promise<TopView> {
  const endpoint = new URL('/api/metrics', url);
  const headers = authHeaders(token);
  let before: { metrics: TopMetrics; at: number } | undefined;
  return async () => {
    const metrics = (await callHost(endpoint, { headers })) as TopMetrics;
    const at = performance.now();
    const view = topView(metrics, before?.metrics, before && (at - before.at) / 1000);
    before = { metrics, at };
    return view;
  };
}

/** `tapline top`: the running host's figures each second, full-screen on a terminal, else as lines. */
export async function top(values: OptionValues, io: CliIo): Promise<number> {
  const url = typeof values.url === 'string' ? values.url : DEFAULT_URL;
  const count = positiveInteger(values, 'count');
  const poll = poller(url, apiToken(values, io));
  const first = await poll(); // a host that cannot be reached is said at once, with exit code 1
  if (io.stdout.isTTY === true && process.stdin.isTTY) return topTerminal(io, url, first, poll, count);
  return plain(io, first, poll, count);
}

/** One block of `key=value` lines per poll, until `--count` blocks or a signal. */
async function plain(io: CliIo, first: TopView, poll: () => Promise<TopView>, count?: number) {
  let stopped = false;
  const stop = () => (stopped = true);
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    let view: TopView | undefined = first;
    for (let n = 1; ; n++) {
      if (view !== undefined) io.stdout.write(plainLines(view, sortSteps(view.steps, 'pipeline')));
      if (stopped || n === count) return 0;
      await new Promise((resolve) => setTimeout(resolve, REFRESH_MS));
      if (stopped) return 0;
      view = await poll().catch((err: Error) => {
        io.stderr.write(`tapline top: ${err.message}\n`);
        return undefined;
      });
    }
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
  }
}
