import type { AnySource, Intake } from '@tapline/core';
import { connectIntake as connect } from '@tapline/core/internal';

/**
 * Gives a source the intake it hands its messages to, as the host does before `start`: a
 * bounded one of the test's own shows that the source reads no further while the intake has no
 * room. Without it a source accepts everything. Call before `start`.
 */
export function connectIntake(source: AnySource, intake: Intake): void {
  connect(source, intake);
}
