// The frames the in-memory benchmark feeds: records of the publisher's shape whose message
// holds a token, so that the redact step replaces something in every record.
const services = ['checkout', 'search', 'auth', 'inventory', 'gateway'];
const levels = ['info', 'info', 'info', 'info', 'info', 'info', 'warn', 'error', 'debug', 'info'];
const tails = Array.from({ length: 1024 }, (_, i) => {
  const service = services[i % services.length];
  const rest = {
    service,
    level: levels[(i * 7) % levels.length],
    message: `handled /v1/${service}/${i % 13} token=abc${i}&x=1`,
    latencyMs: Math.round((5 + ((i * 37) % 400)) * 10) / 10,
    status: 200,
    endpoint: `/v1/${service}`,
    host: `web-0${i % 4}`,
    region: ['eu-west-1', 'us-east-1'][i % 2],
  };
  return JSON.stringify(rest).slice(1);
});

/** `count` frames, one record each, made before the clock starts. */
export const makeFrames = (count) =>
  Array.from({ length: count }, (_, i) =>
    Buffer.from(`{"sentAt":${1.7e12 + i},"seq":${i},${tails[i & 1023]}`),
  );

/** CPU time (user + system, every thread) since `since`, in µs. */
export function cpuUsSince(since) {
  const { user, system } = process.cpuUsage(since);
  return user + system;
}
