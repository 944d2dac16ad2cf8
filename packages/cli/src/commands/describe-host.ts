import type { AnyDomain } from '@tapline/core';
import { outsidePluginFiles, type Host } from '@tapline/host';

/** What `tapline validate` prints about a config that passed: the chain and the settings. */
export function describeHost(host: Host) {
  const { config } = host;
  const steps = host.steps.map((s) => ({
    ...outputsOf(s.domain),
    id: s.id,
    plugin: s.plugin,
    specifier: s.specifier,
    kind: s.kind,
    input: s.input,
    output: s.output,
    loadedFrom: {
      from: s.origin.from,
      package: s.origin.package?.name,
      version: s.origin.package?.version,
      file: s.origin.file,
    },
  }));
  const disabled = config.pipeline.filter((s) => !s.enabled).map((s) => ({ id: s.id, plugin: s.plugin }));
  const http = config.monitor.http;
  const settings = {
    maxInFlight: config.runtime.maxInFlight,
    shutdownTimeoutMs: config.runtime.shutdownTimeoutMs,
    deadLetter: config.deadLetter === false ? false : config.deadLetter.path,
    monitor: http === false ? false : `http://${http.host}:${http.port}/`,
    logLevel: config.log.level,
  };
  const outside = outsidePluginFiles(host);
  const idWidth = Math.max(...steps.map((s) => s.id.length));
  const pluginWidth = Math.max(...steps.map((s) => s.plugin.length));
  const lines = [
    `${config.file} is valid.`,
    '',
    `Pipeline (${steps.length} step${steps.length === 1 ? '' : 's'}):`,
    ...steps.map(
      (s, i) =>
        `  ${String(i + 1).padStart(2)}. ${s.id.padEnd(idWidth)}  ${s.plugin.padEnd(pluginWidth)}  ${s.input} → ${s.output}` +
        outputLines(s.outputs),
    ),
    '',
    'Plugins loaded from:',
    ...steps.map((s) => `  ${s.id.padEnd(idWidth)}  ${origin(s.loadedFrom)}`),
    ...(disabled.length ? ['', 'Disabled:', ...disabled.map((s) => `      ${s.id}  ${s.plugin}`)] : []),
    '',
    `In flight at most ${settings.maxInFlight}; drain timeout ${settings.shutdownTimeoutMs} ms; ` +
      `dead letters: ${settings.deadLetter === false ? 'off' : settings.deadLetter}`,
    `Monitoring API: ${settings.monitor === false ? 'off' : settings.monitor}; log level ${settings.logLevel}`,
    '',
    "Validating imported each step's plugin module, which runs its code: plugins are code you choose to run.",
    ...(outside.length
      ? ["Plugin code from outside the config's folder:", ...outside.map((o) => `      ${o.id}  ${o.path}`)]
      : []),
    '',
  ];
  return { file: config.file, steps, disabled, settings, outsidePlugins: outside, text: lines.join('\n') };
}

/** A step's named outputs (an exporter's targets): each one's route and policy when full. */
function outputsOf(domain: AnyDomain): { outputs?: OutputDescription[] } {
  const books = domain.outputBooks?.();
  if (books === undefined) return {};
  return {
    outputs: books.map(({ name, type, route, whenFull, maxRecords, maxBytes }) => ({
      name,
      type,
      route,
      whenFull,
      maxRecords,
      maxBytes,
    })),
  };
}

interface OutputDescription {
  name: string;
  type: string;
  route: string;
  whenFull: string;
  maxRecords: number;
  maxBytes: number;
}

function outputLines(outputs: readonly OutputDescription[] | undefined): string {
  if (outputs === undefined) return '';
  const nameWidth = Math.max(...outputs.map((o) => o.name.length));
  const typeWidth = Math.max(...outputs.map((o) => o.type.length));
  return outputs
    .map(
      (o) =>
        `\n        ${o.name.padEnd(nameWidth)}  ${o.type.padEnd(typeWidth)}  takes ${o.route}; ` +
        `when full (${o.maxRecords} records or ${o.maxBytes} bytes): ${o.whenFull}`,
    )
    .join('');
}

const FROM = {
  path: 'the path in the config',
  config: "the config's folder",
  installation: 'the Tapline installation',
} as const;

function origin(o: { from: keyof typeof FROM; package?: string; version?: string; file: string }): string {
  const pkg = o.package === undefined ? '' : `${o.package}${o.version ? `@${o.version}` : ''}  `;
  return `${pkg}${o.file}  (${FROM[o.from]})`;
}
