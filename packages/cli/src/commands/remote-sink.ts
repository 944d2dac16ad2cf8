import type { Outcome } from '@tapline/core';
import type { ReplayEntry, ReplaySink } from '@tapline/host';
import { authHeaders, callHost as call } from './host-api.js';

/** A running host's HTTP API as a replay sink: its steps from `/api/metrics`, records posted to `/api/replay`. */
export async function remoteSink(url: string, token: string | undefined): Promise<ReplaySink> {
  const headers = authHeaders(token);
  const metrics = await call(new URL('/api/metrics', url), { headers });
  const steps = ((metrics as { steps?: { id: string }[] }).steps ?? []).map((s) => s.id);
  return {
    steps,
    maxBatch: 256,
    async send(entries: readonly ReplayEntry[]): Promise<Outcome[]> {
      const body = JSON.stringify({
        // Bytes (what a step that takes the raw frame holds) travel as base64, not as JSON's
        // rendering of a Buffer.
        entries: entries.map((e) =>
          Buffer.isBuffer(e.value)
            ? {
                step: e.step,
                valueBase64: e.value.toString('base64'),
                raw: Buffer.from(e.raw).toString('base64'),
                attributes: e.attributes,
              }
            : {
                step: e.step,
                value: e.value,
                raw: Buffer.from(e.raw).toString('base64'),
                attributes: e.attributes,
              },
        ),
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
