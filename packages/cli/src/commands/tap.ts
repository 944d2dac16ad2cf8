import type { Command } from '../command.js';
import { hostApiFlags } from './host-api-flags.js';

export const tapCommand: Command = {
  name: 'tap',
  summary: 'live records at steps of a running host: what they hand on, are handed, drop and fail',
  usage:
    'tap [STEP…] [--url URL] [--token T] [--where COND] [--limit N] [--rate N/s] [--input|--output] [--dropped] [--failed] [--follow ID | --follow-next] [--json]',
  positionals: ['STEP…'],
  flags: {
    ...hostApiFlags('the running host whose monitoring API is at URL (default: http://127.0.0.1:9464/)'),
    where: {
      spec: { type: 'string' },
      help: 'only records a condition holds for, evaluated in the host (CEL, or a JSON condition object), e.g. "status >= 500"',
    },
    limit: { spec: { type: 'string' }, help: 'stop after N records' },
    rate: {
      spec: { type: 'string', short: 'r' },
      help: 'at most N records a second (N or N/s), a fair sample of each second (default: every record)',
    },
    input: { spec: { type: 'boolean' }, help: 'the records each step is handed' },
    output: { spec: { type: 'boolean' }, help: 'the records each step hands on (the default)' },
    dropped: { spec: { type: 'boolean' }, help: 'the records each step drops, with the reason' },
    failed: { spec: { type: 'boolean' }, help: 'the records that fail in each step, with the error' },
    follow: {
      spec: { type: 'string' },
      help: 'follow message ID (in flight or yet to come) through every step',
    },
    'follow-next': {
      spec: { type: 'boolean' },
      help: 'follow the next message (whose record, as the source hands it on, matches --where)',
    },
    json: { spec: { type: 'boolean' }, help: 'print the lines as the host sends them (NDJSON)' },
  },
  details: [
    "Reads the host's GET /api/tap (the access rules of /api/metrics; docs/tap.md). STEP… default",
    'to the last step. Each record is printed with its step, side, message id and time; --json',
    'prints each as a JSON line: {"type":"record","step","side","id","time","record"}, with',
    '"reason" for a drop and "error" for a failure. When the host skipped samples because this',
    'client did not keep up, the count is said on stderr. Ends after --limit records, or on',
    'Ctrl-C, with a summary on stderr.',
    '',
    '--follow ID and --follow-next show one message through every step: the record each step was',
    "handed and what it handed on, as a diff; the step's time for it (its share of its batch's",
    'time in the step); and how it ended: completed, dropped (where and why), or failed (where,',
    'the error, and the file its dead letter went to).',
    '',
    'Examples:',
    '  tapline tap normalize --failed',
    '  tapline tap --where "level == \'error\'" --rate 5/s --json | jq .record',
    '  tapline tap --follow-next --where "status >= 500"',
  ],
  async run(values, positionals, io) {
    const { tap } = await import('./tap-action.js');
    return tap(values, positionals, io);
  },
};
