// The records the benchmarks send: 1,024 shapes, repeated, of five services and ten levels (one
// in ten is `debug`, which the default pipeline drops).
const services = ['checkout', 'search', 'auth', 'inventory', 'gateway'];
const levels = ['info', 'info', 'info', 'info', 'info', 'info', 'warn', 'error', 'debug', 'info'];

/**
 * Each record's JSON after its leading `sentAt` and `seq` fields, which are prepended when it is
 * sent. `token`: the message holds a token, so that the redact step replaces something.
 */
export function recordTails({ token = false } = {}) {
  return Array.from({ length: 1024 }, (_, i) => {
    const service = services[i % services.length];
    const rest = {
      service,
      level: levels[(i * 7) % levels.length],
      message: `handled /v1/${service}/${i % 13}${token ? ` token=abc${i}&x=1` : ''}`,
      latencyMs: Math.round((5 + ((i * 37) % 400)) * 10) / 10,
      status: 200,
      endpoint: `/v1/${service}`,
      host: `web-0${i % 4}`,
      region: ['eu-west-1', 'us-east-1'][i % 2],
    };
    return JSON.stringify(rest).slice(1);
  });
}
