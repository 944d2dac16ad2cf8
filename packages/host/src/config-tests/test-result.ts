/** One way a test did not pass: an expectation that did not hold, or a test that could not run. */
export interface TestFailure {
  /** The expectation's index in the test's `expect`; absent when the test could not run. */
  readonly expectation?: number;
  /**
   * What was checked: `records`, `contains`, `where`, `count`, `dropped`, `failed`, `metrics`;
   * or what stopped the test: `config`, `steps`, `input`, `initialize`, `timeout`, `shutdown`.
   */
  readonly check: string;
  /** The step the records came out of (or the step named), when there is one. */
  readonly step?: string;
  readonly message: string;
  readonly expected?: unknown;
  readonly actual?: unknown;
  /** Expected against actual, line by line: `-` expected, `+` what came out, ` ` both. */
  readonly diff?: string;
  /** The `TAPLINE_ERR_*` code of an error that stopped the test. */
  readonly code?: string;
  /** The code of what a step's plugin threw, when `code` is `TAPLINE_ERR_PLUGIN_FAILED`. */
  readonly causeCode?: string;
}

/** The result of one test. */
export interface TestResult {
  readonly name: string;
  /** The file that holds the test, and its JSON pointer there. */
  readonly file: string;
  readonly pointer: string;
  /** The config it ran. */
  readonly config: string;
  readonly passed: boolean;
  readonly durationMs: number;
  /** How the inputs ended. */
  readonly outcomes: { readonly completed: number; readonly dropped: number; readonly failed: number };
  readonly failures: readonly TestFailure[];
}

/** The results of a run of tests; `tapline test --json` prints it. */
export interface TestReport {
  readonly passed: number;
  readonly failed: number;
  readonly durationMs: number;
  readonly tests: readonly TestResult[];
}
