import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { bin, getJson, repo } from './cli-helpers.js';
import { Outside, freeZmqAddress } from './support/outside.js';

const outside = new Outside();
afterEach(() => outside.cleanup());

/** The fenced code blocks of the README's "Quick start" section, and its text. */
async function quickStart(): Promise<{ blocks: string[][]; text: string }> {
  const readme = await readFile(path.join(repo, 'README.md'), 'utf8');
  const text = /\n## Quick start\n([\s\S]*?)\n## /.exec(readme)![1]!;
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) =>
    m[1]!.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')),
  );
  return { blocks, text };
}

describe("the README's quick start, run as written", { timeout: 60_000 }, () => {
  it('names the two set-up commands CI runs, a command that sends records, and where to look', async () => {
    const { blocks, text } = await quickStart();
    const ci = await readFile(path.join(repo, '.ci/run'), 'utf8');
    expect(blocks[0]).toEqual([
      'npm i -g pnpm@12.4.2 && pnpm install && pnpm start',
      'npm i -g pnpm@12.4.2 && pnpm install && pnpm test',
    ]);
    expect(ci).toContain(blocks[0]![1]);
    expect(blocks[1]).toEqual(['pnpm exec tapline publish --count 1000']);
    const config = JSON.parse(await readFile(path.join(repo, 'pipeline.config.json'), 'utf8'));
    const exporter = config.pipeline.find((s: { id: string }) => s.id === 'export');
    expect(text).toContain(`\`${exporter.options.targets[0].path}\``);
    expect(text).toContain(`http://${config.monitor.http.host}:${config.monitor.http.port}/`);
    expect(text).toContain(`\`${config.deadLetter.path}\``);
  });

  it('start, send, stop, read the file: every record sent is in the books and the completed ones in the file', async () => {
    const { blocks } = await quickStart();
    // `pnpm start` is `tsc -b && tapline run` in the repository; the test runs the repository's
    // config in a folder of its own, with a dashboard port the OS picks instead of 9464.
    const dir = await outside.dir('tapline-quick-start-');
    const config = JSON.parse(await readFile(path.join(repo, 'pipeline.config.json'), 'utf8'));
    delete config.$schema;
    config.monitor.http.port = 0;
    await writeFile(path.join(dir, 'pipeline.config.json'), JSON.stringify(config, null, 2));
    const env = { ZMQ_ADDRESS: await freeZmqAddress() };
    const run = await outside.startRun(process.execPath, [bin, 'run'], dir, env);

    const send = blocks[1]![0]!.replace(/^pnpm exec tapline /, '').split(' ');
    const sent = await outside.exec(process.execPath, [bin, ...send], dir, env);
    expect(sent.code, sent.output).toBe(0);
    await eventually(async () => {
      const { accounting } = await getJson(run.url!, '/api/metrics');
      return accounting.received === 1000 && accounting.inFlight === 0 ? true : undefined;
    });
    outside.signal(run.child, 'SIGINT');
    expect(await run.exit).toBe(0);
    const books = run.logs.find((l) => l.msg?.startsWith('accounting:'))!.accounting;
    expect(books).toMatchObject({ received: 1000, failed: 0, lost: 0 });
    expect(books.completed + books.dropped).toBe(1000);
    const out = await readFile(path.join(dir, 'out', 'records.ndjson'), 'utf8');
    expect(out.split('\n').filter((l) => l !== '')).toHaveLength(books.completed);
  });
});
