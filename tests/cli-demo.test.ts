import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { bin, defaultPipeline, freePort, getJson, writeTempConfig } from './cli-helpers.js';

describe('tapline demo', { timeout: 30_000 }, () => {
  it('runs the pipeline, feeds it sample traffic with some malformed messages, and prints the dashboard address', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const { dir, file } = await writeTempConfig(defaultPipeline(address));
    const child = spawn(process.execPath, [bin, 'demo', '--config', file, '--rate', '1000'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.stdout.resume();
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const url = await eventually(() => /Dashboard: (http:\/\/\S+)/.exec(stderr)?.[1]);
      expect(stderr).toContain(address);
      const metrics = await eventually(async () => {
        const m = await getJson(url, '/api/metrics');
        return m.accounting.received >= 450 ? m : undefined;
      });
      expect(metrics.accounting.failed).toBeGreaterThanOrEqual(2);
      expect(metrics.operations['ingest.handle'].errorTypes).toHaveProperty('TAPLINE_ERR_DECODE');
      expect(metrics.accounting.completed).toBeGreaterThan(0);
      child.kill('SIGINT');
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
