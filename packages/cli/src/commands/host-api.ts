/** The default config's monitoring address. */
export const DEFAULT_URL = 'http://127.0.0.1:9464/';

/** The bearer header for a running host's API, when a token is given. */
export function authHeaders(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** One call to a running host's HTTP API: its JSON answer, or an error that says what went wrong. */
export async function callHost(url: URL, init: RequestInit): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    throw new Error(`cannot reach the running host at ${url.origin}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const text = await res.text();
  if (!res.ok) {
    const why = (() => {
      try {
        return (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        return text;
      }
    })();
    throw new Error(`${url.pathname} answered ${res.status}: ${why}`);
  }
  return JSON.parse(text);
}
