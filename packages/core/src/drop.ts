/**
 * Return `DROP` from {@link BaseDomain.execute} to filter a message out on purpose: nothing is
 * forwarded and the host counts the message as dropped, not failed.
 *
 * A registered symbol, so that two copies of `@tapline/core` in one process still agree.
 */
// `Symbol.for` is typed `symbol`; the cast gives DROP a type of its own, so `DROP | T` narrows.
export const DROP: unique symbol = Symbol.for('tapline.drop') as never;

/** The type of {@link DROP}. */
export type Drop = typeof DROP;

/**
 * A drop that says why: return one from {@link BaseDomain.execute} (or resolve to one) where
 * `DROP` would say nothing. The host counts the message as dropped under `reason`, and the
 * `dropped` event carries `reason` and `detail`. Make each one once (per reason and detail),
 * not per message.
 */
export interface DropWith {
  readonly [DROP]: true;
  /** A short snake_case word: `buffer_full`, `unmatched`. */
  readonly reason: string;
  /** What the reason is about (the output that was full, say). */
  readonly detail?: Readonly<Record<string, string>>;
}

/** Makes a {@link DropWith}: frozen, to be made once and returned for every message it applies to. */
export function dropWith(reason: string, detail?: Readonly<Record<string, string>>): DropWith {
  return Object.freeze({ [DROP]: true as const, reason, detail: detail && Object.freeze({ ...detail }) });
}

/** Whether `value` is {@link DROP} or a {@link DropWith}. */
export function isDrop(value: unknown): value is Drop | DropWith {
  return (
    value === DROP ||
    (typeof value === 'object' && value !== null && (value as { [DROP]?: unknown })[DROP] === true)
  );
}
