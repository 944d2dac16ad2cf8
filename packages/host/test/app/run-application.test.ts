import { PassThrough } from 'node:stream';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runApplication, type RunApplicationOptions } from '../../src/app/run-application.js';
import { fixtures, removeTempDirs, tempDir, writeConfig } from '../helpers.js';

afterAll(removeTempDirs);

const plugin = (name: string) => path.join(fixtures, 'plugins', `${name}.mjs`);

function pipeline(
  messages: unknown[],
  extra: Record<string, unknown> = {},
  behave: Record<string, unknown> = {},
) {
  return {
    pipeline: [
      { id: 'source', plugin: plugin('list-source'), options: { messages } },
      { id: 'work', plugin: plugin('behave'), options: behave },
      { id: 'sink', plugin: plugin('sink') },
    ],
    deadLetter: false,
    monitor: { http: { host: '127.0.0.1', port: 0 } },
    ...extra,
  };
}

/** Runs the application on `config`, collecting its JSON log lines and stderr. */
async function run(
  config: unknown,
  options: Partial<RunApplicationOptions> & { whileRunning?: (s: any) => Promise<void> } = {},
) {
  const dir = await tempDir();
  const file = await writeConfig(dir, config);
  const logs = new PassThrough();
  const lines: string[] = [];
  let buffered = '';
  logs.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  });
  const stderr = new PassThrough();
  let errText = '';
  stderr.on('data', (c: Buffer) => (errText += c.toString('utf8')));
  const controller = new AbortController();
  let during: Promise<void> | undefined;
  const code = await runApplication({
    config: file,
    env: {},
    handleSignals: false,
    signal: controller.signal,
    logDestination: logs,
    stderr,
    onStarted: (started) => {
      during = (options.whileRunning?.(started) ?? Promise.resolve()).finally(() => controller.abort());
    },
    ...options,
  });
  await during;
  return { code, logs: lines.map((l) => JSON.parse(l) as Record<string, any>), stderr: errText, file };
}

describe('runApplication', () => {
  it('runs the pipeline with the monitoring API, stops cleanly and logs one accounting line', async () => {
    const messages = [{ n: 1 }, { n: 2, drop: true }, { n: 3, fail: true }, { n: 4 }];
    let api: any;
    let ready = 0;
    const { code, logs } = await run(pipeline(messages), {
      whileRunning: async ({ http, host }) => {
        const ended = () => {
          const a = host.getMetrics().accounting;
          return a.completed + a.dropped + a.failed;
        };
        await expect.poll(ended, { timeout: 5000 }).toBe(4);
        ready = (await fetch(new URL('/readyz', http.url))).status;
        api = await (await fetch(new URL('/api/metrics', http.url))).json();
      },
    });
    expect(code).toBe(0);
    expect(ready).toBe(200);
    expect(api.accounting).toMatchObject({ received: 4, completed: 2, dropped: 1, failed: 1 });
    const listening = logs.find((l) => l.msg.startsWith('dashboard and monitoring API on'));
    expect(listening).toMatchObject({ address: '127.0.0.1', port: expect.any(Number) });
    const accounting = logs.filter((l) => l.msg.startsWith('accounting:'));
    expect(accounting).toHaveLength(1);
    expect(accounting[0]!.accounting).toEqual({ received: 4, completed: 2, dropped: 1, failed: 1, lost: 0 });
    expect(accounting[0]!.msg).toBe('accounting: received=4 completed=2 dropped=1 failed=1 lost=0');
    expect(logs.find((l) => l.msg === 'final metrics')?.steps).toEqual(
      expect.arrayContaining([expect.objectContaining({ step: 'work', handled: 3, errors: 1, dropped: 1 })]),
    );
  });

  it('lists every config problem with its line and column and exits 1', async () => {
    const config = '{\n  "pipeline": [\n    { "plugin": 42 }\n  ],\n  "runtime": { "maxInFlight": -1 }\n}\n';
    const { code, stderr, logs, file } = await run(config);
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}:3:`);
    expect(stderr).toContain(`${file}:5:`);
    expect(logs.find((l) => l.level === 60)).toMatchObject({ code: 'TAPLINE_ERR_CONFIG_INVALID' });
  });

  it('exits 1 when a step cannot start', async () => {
    const config = pipeline([]);
    (config.pipeline[0]!.options as Record<string, unknown>).failStart = true;
    const { code, stderr } = await run(config);
    expect(code).toBe(1);
    expect(stderr).toContain('could not start');
    expect(stderr).toContain('source');
  });

  it('exits 1 when the drain times out', async () => {
    const config = pipeline([{ n: 1 }], { runtime: { shutdownTimeoutMs: 50 } }, { hold: true });
    const { code, logs } = await run(config);
    expect(code).toBe(1);
    expect(logs.find((l) => l.msg.startsWith('accounting:'))?.drained).toBe(false);
  });

  it('takes the log level from --log-level, then LOG_LEVEL, then the config', async () => {
    const config = pipeline([], { log: { level: 'warn' } });
    const quiet = await run(config);
    expect(quiet.logs.some((l) => l.level === 30)).toBe(false);
    const fromEnv = await run(config, { env: { LOG_LEVEL: 'info' } });
    expect(fromEnv.logs.some((l) => l.level === 30)).toBe(true);
    const fromFlag = await run(config, { env: { LOG_LEVEL: 'error' }, logLevel: 'info' });
    expect(fromFlag.logs.some((l) => l.level === 30)).toBe(true);
    const bad = await run(config, { logLevel: 'loud' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('TAPLINE_ERR_LOG_LEVEL');
  });

  it('starts no HTTP server when monitor.http is false', async () => {
    let http: unknown = 'unset';
    const { code, logs } = await run(pipeline([], { monitor: { http: false } }), {
      whileRunning: async (started) => {
        http = started.http;
      },
    });
    expect(code).toBe(0);
    expect(http).toBeUndefined();
    expect(logs.some((l) => l.msg.startsWith('dashboard'))).toBe(false);
  });
});
