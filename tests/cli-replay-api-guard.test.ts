import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readNdjson } from '@tapline/testkit';
import {
  defaultPipeline,
  freePort,
  getJson,
  killRunning,
  startRun,
  writeTempConfig,
  type RunningPipeline,
} from './cli-helpers.js';

const dirs: string[] = [];
afterEach(killRunning);
afterAll(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const TOKEN = 'replay-guard-token-0123456789';

/** A replay request a host would take: one record entering the step after the source. */
const body = (n: number) =>
  JSON.stringify({
    entries: [{ step: 'enrich', value: { n }, raw: Buffer.from(JSON.stringify({ n })).toString('base64') }],
  });

/** `tapline run` of the default pipeline, its API with `token` or none. */
async function host(token?: string): Promise<{ run: RunningPipeline; dir: string }> {
  const address = `tcp://127.0.0.1:${await freePort()}`;
  const config = defaultPipeline(address, {
    monitor: { http: { host: '127.0.0.1', port: 0, ...(token === undefined ? {} : { token }) } },
  });
  const { dir, file } = await writeTempConfig(config);
  dirs.push(dir);
  return { run: await startRun(file), dir };
}

async function post(run: RunningPipeline, headers: Record<string, string>, payload: string | Uint8Array) {
  const res = await fetch(new URL('/api/replay', run.url), { method: 'POST', headers, body: payload });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** What a page of another site can post without a preflight: these content types, or none. */
const FORM_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'];

async function received(run: RunningPipeline, token?: string): Promise<number> {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const res = await fetch(new URL('/api/metrics', run.url), { headers });
  return ((await res.json()) as { accounting: { received: number } }).accounting.received;
}

async function stop(run: RunningPipeline): Promise<void> {
  run.child.kill('SIGTERM');
  expect((await run.exit).code).toBe(0);
}

describe('POST /api/replay takes JSON only', { timeout: 60_000 }, () => {
  it('on a host without a token: a form content type, or none, is refused with 415 and nothing enters', async () => {
    const { run, dir } = await host();
    try {
      for (const type of FORM_TYPES) {
        const refused = await post(run, { 'content-type': type }, body(1));
        expect([type, refused.status]).toEqual([type, 415]);
        expect(refused.json.error).toContain('application/json');
      }
      expect((await post(run, {}, new TextEncoder().encode(body(1)))).status).toBe(415);
      expect(await received(run)).toBe(0);

      // The same body as JSON is taken: the refusals were for its content type alone.
      const taken = await post(run, { 'content-type': 'application/json' }, body(2));
      expect(taken).toEqual({ status: 200, json: { outcomes: ['completed'] } });
      expect(await received(run)).toBe(1);
      expect((await getJson(run.url, '/api/metrics')).accounting.completed).toBe(1);
    } finally {
      await stop(run);
    }
    expect(((await readNdjson(path.join(dir, 'out.ndjson'))) as { n: number }[]).map((r) => r.n)).toEqual([
      2,
    ]);
  });

  it('on a host with a token: without it the request is refused with 401 first; with it, a form content type is refused with 415', async () => {
    const { run, dir } = await host(TOKEN);
    const auth = { authorization: `Bearer ${TOKEN}` };
    try {
      for (const type of [...FORM_TYPES, 'application/json']) {
        const anonymous = await post(run, { 'content-type': type }, body(1));
        expect([type, anonymous.status]).toEqual([type, 401]);
      }
      for (const type of FORM_TYPES) {
        const refused = await post(run, { 'content-type': type, ...auth }, body(1));
        expect([type, refused.status]).toEqual([type, 415]);
      }
      expect((await post(run, auth, new TextEncoder().encode(body(1)))).status).toBe(415);
      expect(await received(run, TOKEN)).toBe(0);

      const taken = await post(run, { 'content-type': 'application/json; charset=utf-8', ...auth }, body(2));
      expect(taken).toEqual({ status: 200, json: { outcomes: ['completed'] } });
      expect(await received(run, TOKEN)).toBe(1);
    } finally {
      await stop(run);
    }
    expect(((await readNdjson(path.join(dir, 'out.ndjson'))) as { n: number }[]).map((r) => r.n)).toEqual([
      2,
    ]);
  });
});
