import path from 'node:path';

/** Whether a step's `plugin` is a path (relative to the config file) rather than a package name. */
export function isPathSpecifier(plugin: string): boolean {
  return (
    plugin.startsWith('./') ||
    plugin.startsWith('../') ||
    plugin.startsWith('/') ||
    plugin.startsWith('file:') ||
    plugin === '.' ||
    plugin === '..' ||
    /^[A-Za-z]:[\\/]/.test(plugin)
  );
}

/**
 * The id a step gets when it names none: the plugin's short name. `@tapline/plugin-processor`
 * gives `processor`, `tapline-plugin-geo` gives `geo`, `./x/enrich.js` gives `enrich`.
 */
export function defaultStepId(plugin: string): string {
  if (isPathSpecifier(plugin)) {
    const base = path.basename(plugin, path.extname(plugin));
    const dir = path.basename(path.dirname(plugin));
    return base === 'index' && dir !== '' && dir !== '.' ? dir : base;
  }
  const parts = plugin.split('/');
  const name = (plugin.startsWith('@') ? parts[1] : parts[0]) ?? plugin;
  const short = name.replace(/^tapline-plugin-/, '').replace(/^plugin-/, '');
  return short === '' ? name : short;
}
