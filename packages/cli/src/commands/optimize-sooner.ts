import { setFlagsFromString } from 'node:v8';

/**
 * V8's interrupt budget for `tapline run`: how much bytecode a function runs between V8's checks
 * of whether to optimize it. V8's default (67,584 in Node 20) suits short scripts; a pipeline's
 * per-message functions are small, so at 1,000 messages a second they run unoptimized for
 * seconds, and the first seconds' records wait longer. A quarter of it ends that warm-up within
 * the first second; over a long run it costs no throughput (`bench/README.md`).
 */
export const RUN_INTERRUPT_BUDGET = 16_000;

/**
 * Sets V8's interrupt budget for this process, unless Node was started with one
 * (`node --interrupt-budget=N .../tapline run`): an explicit choice wins. Returns the budget
 * set, or undefined when it was left as it is.
 */
export function optimizeSooner(
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
): number | undefined {
  if (execArgv.some((a) => /^--interrupt[-_]budget(=|$)/.test(a))) return undefined;
  setFlags(`--interrupt-budget=${RUN_INTERRUPT_BUDGET}`);
  return RUN_INTERRUPT_BUDGET;
}
