// Preloaded into a receiver (node --import) by `latency.mjs --trace`: records every garbage
// collection pause (epoch start, duration, kind) and writes them, on exit, to the file named by
// BENCH_TRACE_FILE, with the process's resource usage: its involuntary context switches count
// how often the machine took the CPU away from it, and a reading of its threads every half second
// (`lib/threads.mjs`), so that the steady state's CPU and waits for a CPU can be told apart from
// start-up's. A PerformanceObserver costs nothing per message.
import { writeFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { takeReadings } from './threads.mjs';

const KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};
const pauses = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    pauses.push({
      at: performance.timeOrigin + e.startTime,
      ms: e.duration,
      kind: KINDS[e.detail?.kind] ?? 'other',
    });
  }
}).observe({ entryTypes: ['gc'] });
const readings = takeReadings();
process.on('exit', () => {
  const { userCPUTime, systemCPUTime, involuntaryContextSwitches } = process.resourceUsage();
  const usage = { cpuMs: (userCPUTime + systemCPUTime) / 1000, involuntaryContextSwitches };
  const threads = readings.stop();
  writeFileSync(process.env.BENCH_TRACE_FILE, JSON.stringify({ pauses, usage, threads }));
});
