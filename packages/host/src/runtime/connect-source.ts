import type { AnySource } from '@tapline/core';
import type { Accounting } from './accounting.js';

/** Hands a source the host's intake, and the settlement of its messages when it asks for it. */
export function connectSource(accounting: Accounting, source: AnySource): void {
  source.intake = accounting;
  accounting.notify =
    typeof source.settled === 'function' ? (m, outcome) => source.settled!(m, outcome) : undefined;
}
