import { readFile, readdir } from 'node:fs/promises';

/** Where the page loads its script from: the modules compiled from ./browser, under this path. */
export const DASHBOARD_SCRIPTS_PATH = '/dashboard/';

/** The module the page loads; it imports the others. */
export const DASHBOARD_ENTRY = `${DASHBOARD_SCRIPTS_PATH}main.js`;

// `tsc -b` compiles ./browser, a project of its own, into dist/http/dashboard/browser. This file
// runs from dist/http/dashboard (or, under vitest, src/http/dashboard): three folders below the package.
const COMPILED = new URL('../../../dist/http/dashboard/browser/', import.meta.url);

/** The dashboard's compiled modules by the path they are served at, read once when the server starts. */
export async function loadDashboardScripts(): Promise<ReadonlyMap<string, string>> {
  const names = (await readdir(COMPILED)).filter((name) => name.endsWith('.js'));
  const bodies = await Promise.all(names.map((name) => readFile(new URL(name, COMPILED), 'utf8')));
  return new Map(names.map((name, i) => [DASHBOARD_SCRIPTS_PATH + name, bodies[i]!]));
}
