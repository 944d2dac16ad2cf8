import type { Command } from '../command.js';
import { hostApiFlags } from './host-api-flags.js';

export const topCommand: Command = {
  name: 'top',
  summary:
    "a running host's steps, targets and sources, refreshed each second: rates, drops, errors, latency, queues",
  usage: 'top [--url URL] [--token TOKEN] [--count N]',
  flags: {
    ...hostApiFlags('the running host whose monitoring API is at URL (default: http://127.0.0.1:9464/)'),
    count: {
      spec: { type: 'string', short: 'n' },
      help: 'stop after N refreshes (default: until q, or SIGINT)',
    },
  },
  details: [
    "Polls the host's GET /api/metrics each second. Per step: records per second in and out",
    '(rates between two polls; "–" on the first), dropped, errors and their codes, p50/p99 service',
    'time, p50/p99 queue wait and utilisation (the share of time the step was busy). Per exporter',
    "target: queue fill, the oldest queued record's age, written and dead-lettered, and for a disk",
    "buffer what is buffered, delivered and the lag. Then the accounting line, the host's state",
    "and each source's: ready, or NOT READY while it cannot take messages in (a NATS source whose",
    'connection is down), and what its broker delivered again. A figure the host does not report',
    'is shown as "–".',
    '',
    'On a terminal the view is full-screen: q quits, s changes the order of the steps (pipeline,',
    'msg/s in, errors, p99), p holds the figures shown. Piped, it prints one block of key=value',
    'lines per refresh: state=…, source=… lines, the accounting line, step=… and target=… lines,',
    'then a blank line.',
  ],
  async run(values, _positionals, io) {
    const { top } = await import('./top-action.js');
    return top(values, io);
  },
};
