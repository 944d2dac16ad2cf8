import type { CliIo, Command, OptionValues } from '../command.js';

/** `--url` and `--token`, as every command that talks to a running host's API takes them. */
export function hostApiFlags(urlHelp: string): Command['flags'] {
  return {
    url: { spec: { type: 'string' }, help: urlHelp },
    token: { spec: { type: 'string' }, help: "the API's bearer token (default: TAPLINE_HTTP_TOKEN)" },
  };
}

/** The bearer token for the API: `--token`, else TAPLINE_HTTP_TOKEN. */
export function apiToken(values: OptionValues, io: CliIo): string | undefined {
  return typeof values.token === 'string' ? values.token : io.env.TAPLINE_HTTP_TOKEN;
}
