import type { Command } from '../command.js';
import { hostApiFlags } from './host-api-flags.js';

export const replayCommand: Command = {
  name: 'replay',
  summary: 'send dead letters back through the pipeline, each exactly once',
  usage:
    'replay [FILE…] [--config FILE] [--from-step STEP | --from-start] [--where COND] [--dry-run] [--url URL] [--token TOKEN] [--json]',
  positionals: ['FILE…'],
  flags: {
    config: {
      spec: { type: 'string', short: 'c' },
      help: 'the pipeline to replay through, and whose dead letters (default: pipeline.config.json, searched upwards)',
    },
    'from-step': {
      spec: { type: 'string' },
      help: 'enter every letter at this step: with the record as it received it when the letter failed there, else with its payload',
    },
    'from-start': {
      spec: { type: 'boolean' },
      help: 'enter at the first step after the source, with the original payload (the steps make the record again)',
    },
    where: {
      spec: { type: 'string' },
      help: 'replay only the letters a condition holds for (CEL, or a JSON condition object), e.g. "step == \'normalize\'"',
    },
    'dry-run': { spec: { type: 'boolean' }, help: 'say what would be replayed; send and record nothing' },
    ...hostApiFlags(
      'replay through the running host whose monitoring API is at URL (e.g. http://127.0.0.1:9464/), into its live pipeline',
    ),
    json: { spec: { type: 'boolean' }, help: 'print the report as JSON' },
  },
  details: [
    "Starts the config's pipeline without its source (nothing is bound), or with --url uses the",
    'running host there (POST /api/replay, the same access rules as /api/metrics), and sends each letter of',
    "FILE… (or of the config's dead-letter file, rotated files included) back in: a letter the",
    'source failed on goes through the source again; any other enters at the step that failed,',
    'with the record as that step received it (the steps before it do not run again). A letter',
    'written by an earlier version, without that record, enters after the source with its payload,',
    'as with --from-start. A letter that names the exporter targets lacking its record goes to',
    'those targets alone, never again to those that have it.',
    '',
    'Exactly once: FILE.replay.ndjson beside the dead-letter file records each letter and what its',
    'replay came to. A letter replayed for good is skipped the next time; one that fails again is',
    'written as a new dead letter with its replay count. Letters are sent in batches, each recorded',
    'before it is sent, so a killed replay, run again, repeats at most the batch in flight.',
    'Letters whose payload holds only a prefix (deadLetter.maxPayloadBytes) are refused by name;',
    'so are, but for --from-start, those whose record as the failing step received it does.',
    '',
    'Ends with "replay: replayed=N completed=N dropped=N failed=N lost=N skipped=N". Exit code 0',
    'when every letter sent completed or was dropped, else 1.',
  ],
  async run(values, positionals, io) {
    const { replay } = await import('./replay-action.js');
    return replay(values, positionals, io);
  },
};
