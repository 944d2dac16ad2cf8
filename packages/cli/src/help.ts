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
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: tapline <command> [options]',
    '',
    'Tapline runs a pipeline of domain plugins fed by ZeroMQ, as pipeline.config.json lists them.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "tapline <command> --help" for the options of a command.',
    '',
  ].join('\n');
}

function valueName(flag: string): string {
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
