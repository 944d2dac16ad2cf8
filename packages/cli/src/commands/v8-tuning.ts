import { setFlagsFromString } from 'node:v8';

// How `tapline run` tunes V8 for a long-running pipeline. Each setting yields to the same flag
// given to Node (`node --flag=N …/tapline/dist/bin.js run`; Node refuses both in NODE_OPTIONS):
// an explicit choice wins. bench/README.md has the measurements behind them.

type SetFlags = (flags: string) => void;

/** Whether Node was started with this V8 flag, in either spelling. */
function given(flag: string, execArgv: readonly string[]): boolean {
  const pattern = new RegExp(`^--${flag.replace(/-/g, '[-_]')}(=|$)`);
  return execArgv.some((a) => pattern.test(a));
}

/**
 * V8's interrupt budget for `tapline run`: how much bytecode a function runs between V8's checks
 * of whether to optimize it. V8's default (67,584 in Node 20) suits short scripts; a pipeline's
 * per-message functions are small, so at 1,000 messages a second they ran unoptimized for
 * seconds, and the first seconds' records waited longer. A quarter of it ends that warm-up
 * within about a second; over a long run it costs no throughput.
 */
export const RUN_INTERRUPT_BUDGET = 16_000;

/**
 * Sets V8's interrupt budget for this process, unless Node was started with one. Returns the
 * budget set, or undefined when it was left as it is.
 */
export function optimizeSooner(
  execArgv: readonly string[] = process.execArgv,
  setFlags: SetFlags = setFlagsFromString,
): number | undefined {
  if (given('interrupt-budget', execArgv)) return undefined;
  setFlags(`--interrupt-budget=${RUN_INTERRUPT_BUDGET}`);
  return RUN_INTERRUPT_BUDGET;
}

/** V8's own factor (Node 20) by which it grows the young generation. */
export const V8_SEMI_SPACE_GROWTH_FACTOR = 2;

/**
 * Keeps V8's young generation at its initial size (1 MiB a semi-space) while the pipeline
 * starts. Loading plugins and compiling their schemas leaves much alive, and V8 grows the young
 * generation for it, to 16 MiB a semi-space: after that, a pipeline at 10,000 messages a second
 * scavenged every 1.5 s or so, in pauses of up to 4 ms that delayed the records arriving
 * meanwhile. Held at start-up, the young generation grows only if the traffic needs it (at
 * saturation it does, within seconds). Returns the function that gives V8 its growth back, to
 * call once the pipeline runs; it does nothing when Node was started with a growth factor.
 */
export function holdYoungGeneration(
  execArgv: readonly string[] = process.execArgv,
  setFlags: SetFlags = setFlagsFromString,
): () => void {
  if (given('semi-space-growth-factor', execArgv)) return () => {};
  setFlags('--semi-space-growth-factor=1');
  let released = false;
  return () => {
    if (released) return;
    released = true;
    setFlags(`--semi-space-growth-factor=${V8_SEMI_SPACE_GROWTH_FACTOR}`);
  };
}
