// The default pipeline's work (pipeline.config.json), written by hand as plain code: what a
// programmer would write for this job with no host. Per record: the processor's six steps, the
// metrics step's counter and histogram, the export time stamp and JSON.stringify. A test checks
// that it produces exactly the records `tapline run` exports for the same input.
import { RE2JS } from 're2js';

// The processor runs a config's patterns on RE2 (re2js), so that no record can make a match
// backtrack without end; the same engine here keeps the work the same.
const TOKEN = RE2JS.compile(RE2JS.translateRegExp('token=[^&\\s]+'));
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** A value as a label or template text: strings as they are, objects as JSON, null/undefined as ''. */
function text(v) {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function toNumber(v) {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
  }
  throw new Error(`Field "latencyMs" holds ${JSON.stringify(v)}, which cannot be coerced to a number`);
}

/** Counter `messages_total{service,level}` and histogram `request_latency_seconds{service}` (the field is in
 * milliseconds). */
export function createMetrics() {
  const counts = new Map(); // service -> level -> count
  const latency = new Map(); // service -> { count, sum, buckets }
  return {
    counts,
    latency,
    record(r) {
      const service = text(r.service);
      let byLevel = counts.get(service);
      if (byLevel === undefined) counts.set(service, (byLevel = new Map()));
      const level = text(r.level);
      byLevel.set(level, (byLevel.get(level) ?? 0) + 1);
      const ms = r.latencyMs;
      if (typeof ms !== 'number' || !Number.isFinite(ms)) return;
      const v = ms / 1000;
      let h = latency.get(service);
      if (h === undefined) latency.set(service, (h = { count: 0, sum: 0, buckets: new Float64Array(8) }));
      h.count++;
      h.sum += v;
      let i = 0;
      while (i < BUCKETS.length && v > BUCKETS[i]) i++;
      if (i < BUCKETS.length) h.buckets[i]++;
    },
  };
}

/**
 * Runs one decoded record through the default pipeline's steps. Returns its exported JSON line
 * (without newline), or undefined when the filter drops it; throws when `latencyMs` cannot be
 * coerced, as the processor does.
 */
export function processRecord(r, metrics) {
  if (r.level === undefined || r.level === null) r.level = 'info';
  if (r.service === undefined || r.service === null) r.service = 'unknown';
  if (r.latencyMs !== undefined && r.latencyMs !== null) r.latencyMs = toNumber(r.latencyMs);
  if (r.level === 'debug') return undefined;
  r.route = `${text(r.service)} ${text(r.endpoint)}`;
  if (typeof r.message === 'string') r.message = TOKEN.matcher(r.message).replaceAll('[REDACTED]');
  metrics.record(r);
  r.exportedAt = performance.timeOrigin + performance.now();
  return JSON.stringify(r);
}
