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
