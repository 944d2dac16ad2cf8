import {
  createHost,
  fieldOrderWarnings,
  loadPipeline,
  type FieldOrderWarning,
  type Host,
} from '@tapline/host';
import type { CliIo, OptionValues } from '../command.js';
import { describeHost } from './describe-host.js';
import { printFailure } from './print-failure.js';

/** `tapline validate`: loads the config and builds the host as `run` would, then releases it. */
export async function validate(values: OptionValues, io: CliIo): Promise<number> {
  let host: Host | undefined;
  let warnings: FieldOrderWarning[];
  try {
    const { config, steps } = await loadPipeline({
      config: values.config as string | undefined,
      cwd: io.cwd,
      env: io.env,
      // The CLI depends on the built-in plugins: they are found from its files wherever the config is.
      installation: [import.meta.url],
    });
    warnings = fieldOrderWarnings(steps);
    host = await createHost(config, { env: io.env, planned: steps });
  } catch (err) {
    printFailure(io, err, values.json === true);
    return 1;
  }
  // createHost opens nothing, but a plugin may hold something from create(): release it.
  await host.stop();
  const { text, ...description } = describeHost(host);
  if (values.json === true) {
    io.stdout.write(JSON.stringify({ ok: true, ...description, warnings }, null, 2) + '\n');
  } else {
    io.stdout.write(text);
    if (warnings.length > 0)
      io.stdout.write(['Warnings:', ...warnings.map((w) => `  ${w.message}`), ''].join('\n'));
  }
  return 0;
}
