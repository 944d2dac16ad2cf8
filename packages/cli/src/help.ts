import type { Command } from './command.js';

/** `tapline CMD --help`. */
export function commandHelp(command: Command): string {
  const lines = [`Usage: tapline ${command.usage}`, '', command.summary];
  const flags = Object.entries(command.flags).map(([name, flag]) => {
    const short = flag.spec.short ? `-${flag.spec.short}, ` : '    ';
    const value = flag.spec.type === 'string' ? ` ${valueName(name)}` : '';
    return [`${short}--${name}${value}`, flag.help] as const;
  });
  flags.push(['-h, --help', 'show this help']);
  const width = Math.max(...flags.map(([left]) => left.length));
  lines.push('', 'Options:', ...flags.map(([left, help]) => `  ${left.padEnd(width)}  ${help}`));
  if (command.details?.length) lines.push('', ...command.details);
  return lines.join('\n') + '\n';
}

/** `tapline --help`. */
export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max('-v, --version'.length, ...commands.map((c) => c.name.length));
  return (
    [
      'Usage: tapline <command> [options]',
      '',
      'Tapline runs a pipeline of domain plugins, fed by a ZeroMQ or NATS JetStream source, as',
      'pipeline.config.json (or .yaml) lists them. "tapline init" writes a starter pipeline.',
      '',
      'Commands:',
      ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
      '',
      'Options:',
      `  ${'-h, --help'.padEnd(width)}  this help; "tapline <command> --help" for a command's options`,
      `  ${'-v, --version'.padEnd(width)}  the version of Tapline`,
    ].join('\n') + '\n'
  );
}

/** The placeholder of a flag's value in help and in usage errors: `--config FILE`. */
export function valueName(flag: string): string {
  const names: Record<string, string> = {
    config: 'FILE',
    file: 'NDJSON',
    'log-level': 'LEVEL',
    dir: 'DIR',
    address: 'ADDR',
    socket: 'push|pub',
    topic: 'T',
    count: 'N',
    rate: 'R',
  };
  return names[flag] ?? flag.toUpperCase();
}
