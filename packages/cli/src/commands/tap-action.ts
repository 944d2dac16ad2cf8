import { UsageError, type CliIo, type OptionValues } from '../command.js';
import { apiToken } from './host-api-flags.js';
import { DEFAULT_URL, authHeaders } from './host-api.js';
import { recordText } from './tap-format.js';

/** The `GET /api/tap` query of a command line. */
export function tapQuery(values: OptionValues, steps: readonly string[]): URLSearchParams {
  if (values.input === true && values.output === true)
    throw new UsageError('--input and --output: choose one (the records a step is handed, or hands on).');
  const follow =
    typeof values.follow === 'string' ? values.follow : values['follow-next'] === true ? 'next' : undefined;
  if (typeof values.follow === 'string' && values['follow-next'] === true)
    throw new UsageError('--follow ID and --follow-next: choose one.');
  const q = new URLSearchParams();
  for (const s of steps) q.append('step', s);
  const sides: string[] = [];
  if (values.input === true) sides.push('input');
  else if (values.output === true) sides.push('output');
  for (const s of ['dropped', 'failed'] as const) if (values[s] === true) sides.push(s);
  for (const s of sides.length === 0 ? ['output'] : sides) q.append('side', s);
  for (const name of ['where', 'limit', 'rate'] as const) {
    const v = values[name];
    if (typeof v === 'string') q.set(name, v);
  }
  if (follow !== undefined) q.set('follow', follow);
  return q;
}

/** `tapline tap`: prints the records a running host's tap sends, until its limit or Ctrl-C. */
export async function tap(values: OptionValues, steps: string[], io: CliIo): Promise<number> {
  const base = typeof values.url === 'string' ? values.url : DEFAULT_URL;
  const url = new URL(`/api/tap?${tapQuery(values, steps).toString()}`, base);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop).once('SIGTERM', stop);
  let res: Response;
  try {
    res = await fetch(url, { headers: authHeaders(apiToken(values, io)), signal: controller.signal });
  } catch (err) {
    process.off('SIGINT', stop).off('SIGTERM', stop);
    throw new Error(`cannot reach the running host at ${url.origin}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!res.ok) {
    process.off('SIGINT', stop).off('SIGTERM', stop);
    const text = await res.text();
    const why = (() => {
      try {
        return (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        return text;
      }
    })();
    throw new Error(`/api/tap answered ${res.status}: ${why}`);
  }
  const json = values.json === true;
  // The host's line diff is loaded only to follow a message: a plain tap starts sooner without it.
  const follow =
    url.searchParams.has('follow') && !json
      ? new (await import('./tap-follow.js')).FollowView(io.stdout)
      : undefined;
  let records = 0;
  let skipped = 0;
  const onLine = (line: string) => {
    const l = JSON.parse(line) as Record<string, unknown>;
    if (l.type === 'skipped') {
      skipped += l.count as number;
      io.stderr.write(
        `tapline tap: ${String(l.count)} samples skipped: this client did not read fast enough\n`,
      );
      return;
    }
    if (l.type === 'record') records++;
    if (json) io.stdout.write(`${line}\n`);
    else if (follow !== undefined) follow.add(l);
    else if (l.type === 'record') io.stdout.write(`${recordText(l)}\n`);
  };
  try {
    let rest = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      rest += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = rest.indexOf('\n')) !== -1) {
        const line = rest.slice(0, nl);
        rest = rest.slice(nl + 1);
        if (line !== '') onLine(line);
      }
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
  }
  if (follow === undefined)
    io.stderr.write(`tapline tap: ${records} record${records === 1 ? '' : 's'}, ${skipped} skipped\n`);
  return 0;
}
