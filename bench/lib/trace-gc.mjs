// Preloaded into a receiver (node --import) by `latency.mjs --trace`: records every garbage
// collection pause (epoch start, duration, kind) and writes them, on exit, to the file named by
// BENCH_TRACE_FILE, with the process's resource usage: its involuntary context switches count
// how often the machine took the CPU away from it. A PerformanceObserver costs nothing per message.
import { writeFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';

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
process.on('exit', () => {
  const { userCPUTime, systemCPUTime, involuntaryContextSwitches } = process.resourceUsage();
  const usage = { cpuMs: (userCPUTime + systemCPUTime) / 1000, involuntaryContextSwitches };
  writeFileSync(process.env.BENCH_TRACE_FILE, JSON.stringify({ pauses, usage }));
});
