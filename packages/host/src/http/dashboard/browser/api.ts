// How the page asks its host. A token rides in the fragment (#token=...), which the browser never
// sends to a server; the page sends it as a bearer token with each request.

const token = new URLSearchParams(location.hash.slice(1)).get('token');

/** The headers every API request carries. */
export const authHeaders: Readonly<Record<string, string>> = token
  ? { authorization: `Bearer ${token}` }
  : {};

/** GETs a path of the host's API as JSON; rejects on a status other than 2xx. */
export async function getJson<T>(path: string): Promise<T> {
  const r = await fetch(path, { cache: 'no-store', headers: authHeaders });
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  return (await r.json()) as T;
}

/**
 * GETs a path that answers NDJSON (a tap) and hands each line on, parsed, until the stream
 * ends or `signal` aborts. A fetch rather than an EventSource, which cannot send the token.
 */
export async function streamLines(
  path: string,
  signal: AbortSignal,
  onLine: (value: unknown) => void,
): Promise<void> {
  const r = await fetch(path, { cache: 'no-store', headers: authHeaders, signal });
  if (!r.ok || r.body === null) {
    const answer = (await r.json().catch(() => ({}))) as { error?: unknown };
    throw new Error(typeof answer.error === 'string' ? answer.error : `${path}: ${r.status}`);
  }
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    rest += value;
    let end: number;
    while ((end = rest.indexOf('\n')) !== -1) {
      const line = rest.slice(0, end);
      rest = rest.slice(end + 1);
      if (line.trim() !== '') onLine(JSON.parse(line));
    }
  }
}
