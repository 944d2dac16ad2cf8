import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessageContext, type BaseDomain, type ErrorEvent, type MessageContext } from '@tapline/core';

/** What a domain forwarded and what it reported as errors. */
export function collect<T>(domain: BaseDomain<any, T>) {
  const outputs: Array<{ value: T; message: MessageContext }> = [];
  const errors: Array<{ event: ErrorEvent; message: MessageContext }> = [];
  domain.onHandled((value, message) => void outputs.push({ value, message }));
  domain.onError((event, message) => void errors.push({ event, message }));
  return { outputs, errors };
}

/** An intake with a hard in-flight limit; the test completes messages with `release`. */

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `cond` holds; fails the test with `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export const context = () => createMessageContext('test');

export const tempDir = () => mkdtemp(join(tmpdir(), 'tapline-exporter-'));

/** The JSON values of an NDJSON file, one per line; fails on a partial line. */
export async function readNdjson(path: string): Promise<unknown[]> {
  const text = await readFile(path, 'utf8');
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new Error(`${path} ends in a partial line`);
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);
}
