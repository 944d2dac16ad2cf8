/**
 * `@tapline/plugin-zmq-source`: a source step that takes messages in from ZeroMQ.
 * @packageDocumentation
 */
import { API_VERSION, definePlugin, type Problem } from '@tapline/core';
import { curveProblems } from '@tapline/core/curve';
import { OUTPUT_TYPES, zmqSourceOptions, type ZmqSourceOptions } from './options.js';
import { ZmqSourceDomain } from './zmq-source-domain.js';

export { ZmqSourceDomain } from './zmq-source-domain.js';
export { zmqSourceOptions, OUTPUT_TYPES, type ZmqSourceOptions } from './options.js';

// The limit applies to handshake commands too: CURVE's HELLO alone is 200 bytes.
const MIN_MESSAGE_BYTES = 1024;
const ADDRESS = /^(tcp|ipc|inproc|pgm|epgm|ws|wss|tipc|vmci|udp):\/\/./;

function check(options: ZmqSourceOptions): Problem[] {
  const problems: Problem[] = [];
  // A `${VAR}` left in place is the host's to fill (or to report), not a malformed address.
  if (!options.address.includes('${') && !ADDRESS.test(options.address)) {
    problems.push({
      path: '/address',
      message: `"${options.address}" is not a ZeroMQ endpoint; use tcp://host:port, ipc://path or inproc://name`,
    });
  }
  if (options.socket === 'pull' && (options.topics.length !== 1 || options.topics[0] !== '')) {
    problems.push({
      path: '/topics',
      message: 'topics apply to socket "sub" only; remove them or set socket to "sub"',
    });
  }
  if (options.maxMessageBytes > 0 && options.maxMessageBytes < MIN_MESSAGE_BYTES) {
    problems.push({
      path: '/maxMessageBytes',
      message: `at least ${MIN_MESSAGE_BYTES} (ZeroMQ's handshake needs a few hundred bytes), or 0 for no limit`,
    });
  }
  problems.push(...curveProblems(options.curve, '/curve'));
  return problems;
}

export default definePlugin({
  name: 'tapline:zmq-source',
  apiVersion: API_VERSION,
  kind: 'source',
  description: 'Takes messages in from a ZeroMQ PULL or SUB socket and decodes them.',
  input: 'bytes',
  output: (options: ZmqSourceOptions) => OUTPUT_TYPES[options.decode],
  options: zmqSourceOptions,
  check,
  create: (options, ctx) => new ZmqSourceDomain(options, ctx),
});
