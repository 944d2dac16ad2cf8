import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ThrottledReport } from '../src/index.js';
import { reportIntervalMs } from '../src/internal.js';

type Line = [latest: string, count: number, first: boolean];

/** Resolves once `lines` holds `n` lines. */
async function lineCount(lines: Line[], n: number): Promise<void> {
  while (lines.length < n) await sleep(5);
}

describe('ThrottledReport', () => {
  it('writes the first occurrence at once, then the count and the latest once per interval', async () => {
    const report = new ThrottledReport(30);
    const lines: Line[] = [];
    const channel = report.channel<string>((latest, count, first) => lines.push([latest, count, first]));
    try {
      channel.add('a');
      expect(lines).toEqual([['a', 1, true]]);
      for (const d of ['b', 'c', 'd']) channel.add(d);
      expect(lines).toHaveLength(1);
      await lineCount(lines, 2);
      expect(lines[1]).toEqual(['d', 3, false]);
      // A whole interval without one: the next is news again and written at once.
      await sleep(100);
      expect(lines).toHaveLength(2);
      channel.add('e');
      expect(lines[2]).toEqual(['e', 1, true]);
    } finally {
      report.close();
    }
  });

  it('keeps channels apart and writes what is pending when closed', () => {
    const report = new ThrottledReport(60_000);
    const lines: string[] = [];
    const a = report.channel<string>((latest, count) => lines.push(`a ${latest} ${count}`));
    const b = report.channel<string>((latest, count) => lines.push(`b ${latest} ${count}`));
    a.add('1');
    b.add('1');
    a.add('2');
    a.add('3');
    report.close();
    expect(lines).toEqual(['a 1 1', 'b 1 1', 'a 3 2']);
    a.add('4');
    report.close();
    expect(lines.at(-1)).toBe('a 4 1');
  });

  it('runs every 10 s unless TAPLINE_REPORT_INTERVAL_MS says otherwise', () => {
    expect(reportIntervalMs({})).toBe(10_000);
    expect(reportIntervalMs({ TAPLINE_REPORT_INTERVAL_MS: '200' })).toBe(200);
    expect(reportIntervalMs({ TAPLINE_REPORT_INTERVAL_MS: 'soon' })).toBe(10_000);
  });
});
