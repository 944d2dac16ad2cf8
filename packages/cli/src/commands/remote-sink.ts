import type { Outcome } from '@tapline/core';
import type { ReplayEntry, ReplaySink } from '@tapline/host';

/** A running host's HTTP API as a replay sink: its steps from `/api/metrics`, records posted to `/api/replay`. */
export async function remoteSink(url: string, token: string | undefined): Promise<ReplaySink> {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const metrics = await call(new URL('/api/metrics', url), { headers });
  const steps = ((metrics as { steps?: { id: string }[] }).steps ?? []).map((s) => s.id);
  return {
    steps,
    maxBatch: 256,
    async send(entries: readonly ReplayEntry[]): Promise<Outcome[]> {
      const body = JSON.stringify({
        entries: entries.map((e) => ({
          step: e.step,
          value: e.value,
          raw: Buffer.from(e.raw).toString('base64'),
          attributes: e.attributes,
        })),
      });
      const answer = await call(new URL('/api/replay', url), {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
      });
      return (answer as { outcomes: Outcome[] }).outcomes;
    },
  };
}

async function call(url: URL, init: RequestInit): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    throw new Error(`cannot reach the running host at ${url.origin}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const text = await res.text();
  if (!res.ok) {
    const why = (() => {
      try {
        return (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        return text;
      }
    })();
    throw new Error(`${url.pathname} answered ${res.status}: ${why}`);
  }
  return JSON.parse(text);
}
