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

/**
 * Gives an exporter an in-memory target instead of its own (files, stdout, sockets), so that a
 * test runs its real `execute` (serialization, timestamps) and nothing is written anywhere.
 * The exporter's domain must expose its `targets` as an array, as the built-in one does; the
 * targets it made in `create` are never opened.
 *
 * @returns false when the domain has no such targets: the test then captures its input instead
 */
export function captureTargets(domain: AnyDomain, onWrite: (json: string) => void): boolean {
  const targets = (domain as { targets?: unknown }).targets;
  if (!Array.isArray(targets) || targets.length === 0 || !targets.every(isTarget)) return false;
  const capture: TargetLike = {
    name: 'capture',
    open: () => Promise.resolve(),
    // Taken for good at once, as a target's write resolves once the record is written.
    write: (json) => {
      onWrite(json);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  Object.defineProperty(domain, 'targets', { value: Object.freeze([capture]), enumerable: true });
  return true;
}
