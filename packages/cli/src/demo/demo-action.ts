import { ConfigNotFoundError } from '@tapline/core/internal';
import { loadConfig, runApplication } from '@tapline/host';
import type { CliIo, OptionValues } from '../command.js';
import { UsageError } from '../command.js';
import { publish } from '../publish/publisher.js';
import { writeBuiltinConfig } from './builtin-config.js';
import { demoTraffic } from './demo-traffic.js';
import { describeOutputs } from './output-files.js';

/**
 * `tapline demo`: runs the default pipeline (the one found from the working directory, or a
 * built-in equivalent) and feeds it sample traffic until SIGINT or SIGTERM.
 */
export async function demo(values: OptionValues, rate: number, io: CliIo): Promise<number> {
  let file = values.config as string | undefined;
  if (file === undefined) {
    try {
      file = (await loadConfig({ cwd: io.cwd, env: io.env })).file;
    } catch (err) {
      if (!(err instanceof ConfigNotFoundError)) throw err;
      file = await writeBuiltinConfig();
      io.stderr.write(`No pipeline.config.json here: running the built-in default pipeline (${file}).\n`);
    }
  }
  const config = await loadConfig({ config: file, cwd: io.cwd, env: io.env });
  const source = config.pipeline.find((s) => s.enabled);
  const options = (source?.options ?? {}) as {
    address?: string;
    socket?: string;
    mode?: string;
    topics?: string[];
  };
  if (options.mode === 'connect') {
    throw new UsageError('The demo publishes to the first step, so that step must bind (mode "bind").');
  }
  const address = options.address ?? io.env.ZMQ_ADDRESS ?? 'tcp://127.0.0.1:5555';
  const socket = options.socket === 'sub' ? 'pub' : 'push';
  const topic = socket === 'pub' ? (options.topics?.find((t) => t !== '') ?? 'demo') : undefined;

  const traffic = new AbortController();
  const stopTraffic = (): void => traffic.abort();
  process.once('SIGINT', stopTraffic);
  process.once('SIGTERM', stopTraffic);
  let publishing: Promise<unknown> = Promise.resolve();
  const code = await runApplication({
    config: file,
    logLevel: values['log-level'] as string | undefined,
    cwd: io.cwd,
    env: io.env,
    installation: [import.meta.url],
    onStarted: ({ http }) => {
      const where = http ? `Dashboard: ${http.url}` : 'The monitoring API is off (monitor.http is false).';
      io.stderr.write(
        `\n  ${where}\n  Sending about ${rate} sample messages a second to ${address}, a few malformed.` +
          `\n${describeOutputs(config)}\n  Press Ctrl-C to stop.\n\n`,
      );
      publishing = publish(demoTraffic(rate, traffic.signal), {
        address,
        socket,
        topic,
        signal: traffic.signal,
        sendTimeoutMs: 2000,
      }).catch((err: unknown) => {
        if (!traffic.signal.aborted)
          io.stderr.write(`The demo publisher stopped: ${(err as Error).message}\n`);
      });
    },
  });
  traffic.abort();
  process.off('SIGINT', stopTraffic);
  process.off('SIGTERM', stopTraffic);
  await publishing;
  io.stderr.write(`\nThe demo's output:\n${describeOutputs(config)}\n`);
  return code;
}
