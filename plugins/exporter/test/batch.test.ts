import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Receipt } from '@tapline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { context, exporterTo, shutdownExporters, tempDir } from './helpers.js';

afterEach(shutdownExporters);

describe('exporter batches', () => {
  it('serializes a batch in one pass and writes it to a file target in one write, every record answered', async () => {
    const path = join(await tempDir(), 'out.ndjson');
    const d = exporterTo({ type: 'file', path });
    await d.initialize();
    const target = d.outputs[0]!.target;
    let writes = 0;
    let batchWrites = 0;
    const write = target.write.bind(target);
    const writeBatch = target.writeBatch!.bind(target);
    target.write = (json) => (writes++, write(json));
    target.writeBatch = (jsons) => (batchWrites++, writeBatch(jsons));
    const inputs = Array.from({ length: 300 }, (_, i) => ({ i }));
    const messages = inputs.map(() => context());
    const receipts: Receipt[] = [];
    d.handOn = (outputs) => void receipts.push(...outputs);
    await d.handleBatch(inputs, messages, performance.now());
    expect([batchWrites, writes]).toEqual([1, 0]);
    expect(receipts).toHaveLength(300);
    expect(receipts[0]).toMatchObject({ delivered: 1 });
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual(inputs.map((r) => r.i));
    expect(d.outputBooks()[0]).toMatchObject({ routed: 300, written: 300, queued: 0 });
  });

  it('fails a record that is not JSON on its own, and writes the rest of its batch', async () => {
    const path = join(await tempDir(), 'out.ndjson');
    const d = exporterTo({ type: 'file', path });
    await d.initialize();
    const failed: number[] = [];
    d.onError((_e, m) => failed.push(m.id));
    const inputs: unknown[] = [{ a: 1 }, { b: 1n }, { c: 3 }];
    const messages = inputs.map(() => context());
    await d.handleBatch(inputs, messages, performance.now());
    expect(failed).toEqual([messages[1]!.id]);
    expect((await readFile(path, 'utf8')).trimEnd().split('\n')).toEqual(['{"a":1}', '{"c":3}']);
  });
});
