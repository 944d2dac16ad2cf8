// Where the slow records of a paced run come from: how many of them were in flight while the
// receiver was paused for garbage collection, beside the same share for every record; and what
// its threads ran and waited for a CPU in the steady state.
import { threadUse } from './threads.mjs';

/** Whether any pause (sorted by start) overlaps [from, to]. */
function overlaps(pauses, from, to) {
  let lo = 0;
  let hi = pauses.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pauses[mid].at + pauses[mid].ms < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < pauses.length && pauses[lo].at <= to;
}

/**
 * `timings` are one run's send and done times; `pauses` its GC pauses. Only the steady state
 * (records sent `warmupMs` after the first) counts. The slow records are the slowest 1%.
 */
export function attributeTail({ sentAt, doneAt }, pauses, warmupMs = 1000) {
  pauses = [...pauses].sort((a, b) => a.at - b.at);
  const first = sentAt.reduce((m, v) => Math.min(m, v), Infinity);
  const steady = [];
  for (let i = 0; i < sentAt.length; i++) if (sentAt[i] >= first + warmupMs) steady.push(i);
  const latency = (i) => doneAt[i] - sentAt[i];
  const sorted = steady.map(latency).sort((a, b) => a - b);
  const threshold = sorted[Math.floor(sorted.length * 0.99)] ?? Infinity;
  let slow = 0;
  let slowInGc = 0;
  let inGc = 0;
  for (const i of steady) {
    const gc = overlaps(pauses, sentAt[i], doneAt[i]);
    if (gc) inGc++;
    if (latency(i) >= threshold) {
      slow++;
      if (gc) slowInGc++;
    }
  }
  const from = first + warmupMs;
  const inSteady = pauses.filter((p) => p.at >= from);
  const byKind = {};
  for (const p of inSteady) {
    const k = (byKind[p.kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
    k.count++;
    k.totalMs += p.ms;
    k.maxMs = Math.max(k.maxMs, p.ms);
  }
  return {
    slowThresholdMs: threshold,
    slow,
    slowShareInGc: slow ? slowInGc / slow : 0,
    allShareInGc: steady.length ? inGc / steady.length : 0,
    gcInSteady: byKind,
    warmupGc: pauses.filter((p) => p.at < from).length,
  };
}

/**
 * What a process's threads ran and waited for a CPU in a run's steady state, from the readings
 * of `takeReadings` (`lib/threads.mjs`): from the first reading after the warm-up to the last,
 * with the seconds between them. Undefined without readings.
 */
export function steadyThreadUse({ sentAt }, readings = [], warmupMs = 1000) {
  const first = sentAt.reduce((m, v) => Math.min(m, v), Infinity);
  const from = readings.find((r) => r.at >= first + warmupMs);
  const to = readings.at(-1);
  if (from === undefined || to === from || to.threads.length === 0) return undefined;
  return { seconds: (to.at - from.at) / 1000, ...threadUse(from.threads, to.threads) };
}
