import type { Command } from '../command.js';

export const deadLettersCommand: Command = {
  name: 'dead-letters',
  summary:
    'summarize the dead letters: counts by step, error, target and hour, first and last time, a sample',
  usage: 'dead-letters [FILE…] [--config FILE] [--where COND] [--json]',
  positionals: ['FILE…'],
  flags: {
    config: {
      spec: { type: 'string', short: 'c' },
      help: "read the config's deadLetter.path (default: pipeline.config.json, searched upwards)",
    },
    where: {
      spec: { type: 'string' },
      help: 'count only the letters a condition holds for (CEL, or a JSON condition object), e.g. "step == \'normalize\'"',
    },
    json: { spec: { type: 'boolean' }, help: 'print the summary as JSON' },
  },
  details: [
    "Reads FILE… or the config's dead-letter file, each with its rotated predecessors (.1, .2, …),",
    'oldest first. Groups the letters by step, error code and the exporter targets that lack the',
    'record; prints each group with its count, first and last time and one sample message, then',
    'the letters per target lacking the record (a letter naming two targets counts for each) and',
    'per hour (UTC), each hour with its count per group. It names the letters whose payload was',
    'cut to its first bytes (deadLetter.maxPayloadBytes), which cannot be replayed, those whose',
    'record as the failing step received it was cut, which can be replayed only with --from-start,',
    'and lines that are not dead letters.',
    'The condition reads the letter: step, errorType, message, messageId, time, targets, and the',
    'record under payload (payload.service, say).',
  ],
  async run(values, positionals, io) {
    const { deadLetters } = await import('./dead-letters-action.js');
    return deadLetters(values, positionals, io);
  },
};
