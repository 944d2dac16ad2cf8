/**
 * The path of an origin-form request target (`/metrics?x=1` gives `/metrics`), or undefined
 * for any other form: absolute-form (`http://a:b/`), authority-form, `*`, or a path that is not
 * one (`//host/x`). The API serves fixed paths, so those answer 400 instead of being parsed as
 * URLs, which throws on some of them.
 */
export function requestPath(target: string | undefined): string | undefined {
  if (target === undefined || target[0] !== '/' || target[1] === '/') return undefined;
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}
