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
