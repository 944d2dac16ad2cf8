/** One default a schema declares, at a path of property names from the options root. */
export interface DeclaredDefault {
  readonly path: readonly string[];
  readonly value: unknown;
}

/**
 * The defaults an options schema declares on its (nested) object properties. Defaults that
 * hold `${VAR}` are left out: the host fills those from the environment.
 */
export function declaredDefaults(schema: unknown, path: readonly string[] = []): DeclaredDefault[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const properties = (schema as { properties?: Record<string, unknown> }).properties;
  if (typeof properties !== 'object' || properties === null) return [];
  const found: DeclaredDefault[] = [];
  for (const [key, sub] of Object.entries(properties)) {
    if (typeof sub !== 'object' || sub === null) continue;
    const here = [...path, key];
    if ('default' in sub) {
      const value = sub.default;
      if (!JSON.stringify(value ?? null).includes('${')) found.push({ path: here, value });
    }
    found.push(...declaredDefaults(sub, here));
  }
  return found;
}

/** The value at a path of property names, and whether every step of the path was present. */
export function at(value: unknown, path: readonly string[]): { present: boolean; value: unknown } {
  let here = value;
  for (const key of path) {
    if (typeof here !== 'object' || here === null || !(key in here))
      return { present: false, value: undefined };
    here = (here as Record<string, unknown>)[key];
  }
  return { present: true, value: here };
}
