import type { AnyDomain } from '@tapline/core';

/** What an export target offers, as `@tapline/plugin-exporter`'s targets do. */
interface TargetLike {
  readonly name: string;
  open(): Promise<void>;
  write(json: string): Promise<void>;
  close(): Promise<void>;
}

function isTarget(value: unknown): value is TargetLike {
  const t = value as Partial<TargetLike> | null;
  return t !== null && typeof t === 'object' && typeof t.write === 'function';
}

/** A named output of an exporter, as `@tapline/plugin-exporter`'s are: a target it writes through. */
interface OutputLike {
  readonly name: string;
  target: TargetLike;
}

function isOutput(value: unknown): value is OutputLike {
  const o = value as Partial<OutputLike> | null;
  return o !== null && typeof o === 'object' && typeof o.name === 'string' && isTarget(o.target);
}

function captureTarget(name: string, onWrite: (json: string) => void): TargetLike {
  return {
    name,
    open: () => Promise.resolve(),
    // Taken for good at once, as a target's write resolves once the record is written.
    write: (json) => {
      onWrite(json);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Gives an exporter an in-memory target instead of each of its own (files, stdout, sockets), so
 * that a test runs its real `execute` (routes, serialization, timestamps) and nothing is written
 * anywhere; `onWrite` is told which target (by name) each record reached.
 * The exporter's domain must expose its `targets` as an array, as the built-in one does; the
 * targets it made in `create` are never opened.
 *
 * @returns false when the domain has no such targets: the test then captures its input instead
 */
export function captureTargets(domain: AnyDomain, onWrite: (json: string, target: string) => void): boolean {
  // Named outputs keep their routes and queues; only where they write to changes.
  const outputs = (domain as { outputs?: unknown }).outputs;
  if (Array.isArray(outputs) && outputs.length > 0 && outputs.every(isOutput)) {
    for (const o of outputs) o.target = captureTarget(o.name, (json) => onWrite(json, o.name));
    return true;
  }
  const targets = (domain as { targets?: unknown }).targets;
  if (!Array.isArray(targets) || targets.length === 0 || !targets.every(isTarget)) return false;
  const capture = captureTarget('capture', (json) => onWrite(json, 'capture'));
  Object.defineProperty(domain, 'targets', { value: Object.freeze([capture]), enumerable: true });
  return true;
}
