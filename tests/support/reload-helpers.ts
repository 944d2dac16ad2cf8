import { writeFile } from 'node:fs/promises';
import type { Push } from 'zeromq';
import { expect } from 'vitest';
import { eventually } from '@tapline/testkit';
import { type RunningPipeline } from '../cli-helpers.js';
import type { PipelineConfig, PipelineStep } from './e2e-pipeline.js';

/** The log lines that end a reload: `config reloaded …` or `reload failed …`. */
export function reloadOutcomes(run: RunningPipeline): Array<Record<string, any>> {
  return run.logs.filter(
    (l) =>
      typeof l.msg === 'string' && (l.msg.startsWith('config reloaded') || l.msg.startsWith('reload failed')),
  );
}

/** Waits until `count` reloads have ended; returns the last one's log line. */
export async function reloadEnded(run: RunningPipeline, count: number): Promise<Record<string, any>> {
  return eventually(() => reloadOutcomes(run)[count - 1], { timeoutMs: 15_000 });
}

/** Writes `config` (an object, or text as is) over `file`, sends SIGHUP, waits for the reload to end. */
export async function reload(
  run: RunningPipeline,
  file: string,
  config: PipelineConfig | string,
): Promise<Record<string, any>> {
  const before = reloadOutcomes(run).length;
  await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2) + '\n');
  run.child.kill('SIGHUP');
  return reloadEnded(run, before + 1);
}

/**
 * Sends `{ n, service }` for n in [0, total) at a steady rate, `batch` messages every `tickMs`.
 * The last `tail` records wait for `finish()`: whatever the machine's speed, the reloads a test
 * makes meanwhile happen while records stream in, with records before and after each one.
 * `sent()` says how many went so far; `passed(n)` resolves once `n` more than now were sent.
 */
export function stream(push: Push, total: number, { batch = 100, tickMs = 10, tail = 2000 } = {}) {
  let sent = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const held = Math.max(0, total - tail);
  const done = (async () => {
    while (sent < total) {
      if (sent >= held) await finished;
      const tick = Date.now();
      const until = sent < held ? held : total;
      for (let i = 0; i < batch && sent < until; i++)
        await push.send(JSON.stringify({ n: sent++, service: 'api' }));
      await new Promise((r) => setTimeout(r, Math.max(0, tickMs - (Date.now() - tick))));
    }
  })().catch((err: unknown) => {
    // A test that failed early closes the socket under the sender: nothing more to send then.
    if (!push.closed) throw err;
  });
  const passed = (n: number) => {
    const target = Math.min(sent + n, held);
    return eventually(() => (sent >= target ? true : undefined), { timeoutMs: 30_000 });
  };
  return { done, finish, passed, sent: () => sent };
}

/** A processor step that appends `/tag` to each record's `chain`. */
export const tagStep = (tag: string, enabled = true): PipelineStep => ({
  id: tag,
  plugin: '@tapline/plugin-processor',
  enabled,
  options: { steps: [{ type: 'set', field: 'chain', template: `{chain}/${tag}` }] },
});

/** Holds each record 20 ms: records sit mid-chain, here, whenever a reload swaps. */
export const hold: PipelineStep = {
  id: 'hold',
  plugin: '../../fixtures/reload-step.mjs',
  options: { tag: 'hold', delayMs: 20 },
};

/** ingest → the middle steps → export to out.ndjson, on `address`. */
export function configOf(address: string, middle: PipelineStep[]): PipelineConfig {
  return {
    pipeline: [
      { id: 'ingest', plugin: '@tapline/plugin-zmq-source', options: { address } },
      ...middle,
      {
        id: 'export',
        plugin: '@tapline/plugin-exporter',
        options: { targets: [{ type: 'file', path: 'out.ndjson' }] },
      },
    ],
    deadLetter: { path: 'dead-letters.ndjson' },
    monitor: { http: { host: '127.0.0.1', port: 0 } },
  };
}

/** Every record exported once, by `n`; fails on a duplicate or a gap. */
export function byN(records: Array<{ n: number; chain?: string }>, total: number) {
  const seen = new Array<string | undefined>(total);
  for (const r of records) {
    expect(seen[r.n], `record ${r.n} exported twice`).toBeUndefined();
    seen[r.n] = r.chain ?? '';
  }
  const missing = seen.findIndex((c) => c === undefined);
  expect(missing, `record ${missing} was never exported`).toBe(-1);
  expect(records).toHaveLength(total);
  return seen as string[];
}

/** A reload-step fixture step. */
export const fixtureStep = (id: string, options: Record<string, unknown>): PipelineStep => ({
  id,
  plugin: '../../fixtures/reload-step.mjs',
  options: { tag: id, ...options },
});
