/**
 * Realistic log-like records for `tapline publish` and `tapline demo`: a few services with
 * their own endpoints and latency profiles, mostly `info`, some `warn` and `error`.
 */

const SERVICES = [
  { service: 'checkout', endpoints: ['/cart', '/checkout', '/payment'], baseMs: 40 },
  { service: 'search', endpoints: ['/search', '/suggest'], baseMs: 15 },
  { service: 'auth', endpoints: ['/login', '/token', '/logout'], baseMs: 8 },
  { service: 'inventory', endpoints: ['/stock', '/reserve'], baseMs: 25 },
  { service: 'gateway', endpoints: ['/health', '/v1/orders', '/v1/users'], baseMs: 3 },
] as const;

const HOSTS = ['web-01', 'web-02', 'web-03', 'api-01', 'api-02'];
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-south-1'];

export interface SampleRecord {
  id: string;
  sentAt: number;
  service: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  latencyMs: number;
  status: number;
  endpoint: string;
  host: string;
  region: string;
}

/** A seeded generator, so that runs with the same seed send the same traffic. */
export function sampleRecords(seed = Date.now()): (sequence: number) => SampleRecord {
  let state = seed >>> 0 || 1;
  const random = (): number => {
    // xorshift32: fast, seedable and good enough for sample traffic.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return (sequence) => {
    const s = pick(SERVICES);
    const endpoint = pick(s.endpoints);
    const roll = random();
    const level = roll < 0.04 ? 'error' : roll < 0.14 ? 'warn' : roll < 0.2 ? 'debug' : 'info';
    // A long tail: most requests near the base, a few many times slower.
    const latencyMs = Math.round(s.baseMs * (0.5 + random()) * (random() < 0.05 ? 8 : 1) * 10) / 10;
    const status = level === 'error' ? pick([500, 502, 503]) : level === 'warn' ? pick([404, 429]) : 200;
    return {
      id: `msg-${sequence}`,
      sentAt: Date.now(),
      service: s.service,
      level,
      message: messageFor(level, endpoint, status),
      latencyMs,
      status,
      endpoint,
      host: pick(HOSTS),
      region: pick(REGIONS),
    };
  };
}

function messageFor(level: SampleRecord['level'], endpoint: string, status: number): string {
  if (level === 'error') return `upstream failed on ${endpoint} with ${status}`;
  if (level === 'warn') return status === 429 ? `rate limited on ${endpoint}` : `not found: ${endpoint}`;
  if (level === 'debug') return `cache lookup for ${endpoint}`;
  return `handled ${endpoint}`;
}

/** Payloads a source must refuse without falling over: not JSON, not an object, empty. */
export const MALFORMED_PAYLOADS: readonly string[] = [
  '{"service": "checkout", "level": "info", "latencyMs": ',
  'GET /health HTTP/1.1',
  '[1, 2, 3]',
  '',
  '{"service": "search" "level": "warn"}',
];
