import { TaplineError } from '@tapline/core';

/** The names one plugin goes by, derived from what the user typed. */
export interface PluginNames {
  /** The npm package name, and the manifest's `name`: `tapline-plugin-enrich`, `@acme/tapline-plugin-enrich`. */
  readonly packageName: string;
  /** kebab-case, for file names: `enrich` (`src/enrich-domain.ts`). */
  readonly short: string;
  /** PascalCase, for class names: `Enrich` (`EnrichDomain`). */
  readonly pascal: string;
  /** camelCase, for values: `enrich` (`enrichOptions`). */
  readonly camel: string;
}

const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

/**
 * `enrich` becomes the package `tapline-plugin-enrich`; a full package name
 * (`tapline-plugin-enrich`, `@acme/tapline-plugin-enrich`) is kept as given.
 */
export function pluginNames(name: string): PluginNames {
  const trimmed = name.trim();
  const isPackageName = trimmed.includes('/') || trimmed.startsWith('tapline-plugin-');
  const packageName = isPackageName ? trimmed : `tapline-plugin-${trimmed}`;
  const short = packageName
    .replace(/^@[^/]+\//, '')
    .replace(/^(tapline-)?plugin-/, '')
    .replace(/[._]/g, '-');
  if (!PACKAGE_NAME.test(packageName) || !/^[a-z][a-z0-9-]*$/.test(short)) {
    throw new TaplineError(
      'TAPLINE_ERR_PLUGIN_NAME_INVALID',
      `"${name}" cannot name a plugin package. Use lowercase letters, digits and dashes, starting with a letter: "enrich", "tapline-plugin-enrich" or "@acme/tapline-plugin-enrich".`,
    );
  }
  const words = short.split('-').filter(Boolean);
  const pascal = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return { packageName, short, pascal, camel: pascal[0]!.toLowerCase() + pascal.slice(1) };
}
