// `$${` escapes a literal `${`; otherwise `${NAME}` or `${NAME:-default}`.
const PATTERN = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Fills `${VAR}` and `${VAR:-default}` in a string from `env`, the one rule for every config
 * value: the default applies when the variable is unset or empty, as in a POSIX shell, and `$${`
 * stands for a literal `${`. A variable that is unset with no default is left as written, and
 * its name is passed to `onUnset`.
 *
 * The host applies it once to the whole config (and to the defaults a plugin's schema fills in),
 * so a plugin receives its options expanded and must not expand them again: a second pass would
 * turn the `${` that `$${` left into a real expansion.
 */
export function expandEnv(
  value: string,
  env: NodeJS.ProcessEnv = process.env,
  onUnset?: (name: string) => void,
): string {
  if (!value.includes('${')) return value;
  return value.replace(PATTERN, (match, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    const found = env[name];
    if (found !== undefined && (found !== '' || fallback === undefined)) return found;
    if (fallback !== undefined) return fallback;
    onUnset?.(name);
    return match;
  });
}
