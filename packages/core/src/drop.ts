/**
 * Return `DROP` from {@link BaseDomain.execute} to filter a message out on purpose: nothing is
 * forwarded and the host counts the message as dropped, not failed.
 *
 * A registered symbol, so that two copies of `@tapline/core` in one process still agree.
 */
export const DROP: unique symbol = Symbol.for('tapline.drop') as any;

/** The type of {@link DROP}. */
export type Drop = typeof DROP;
