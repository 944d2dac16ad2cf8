import { messageOf, type LateDeadLetter, type Logger } from '@tapline/core';
import type { DeadLetters } from './dead-letters.js';

/** Late dead letters written and lost: `tapline_late_dead_letters_total`. */
export interface LateLettersSnapshot {
  readonly written: number;
  readonly lost: number;
}

/**
 * The dead letters a step hands the host after their record completed (a disk-buffered target
 * that gave up on a record from its log): written to the dead-letter file like any other, and
 * counted here, apart from the accounting, where the record's outcome stays completed.
 */
export class LateLetters {
  written = 0;
  lost = 0;

  constructor(
    private readonly deadLetters: DeadLetters,
    private readonly log: Logger,
  ) {}

  /** What a step's context offers as `lateDeadLetter`. */
  forStep(step: string): (letter: LateDeadLetter) => Promise<boolean> {
    return (letter) =>
      this.deadLetters.writeLate(step, letter).then(
        () => {
          this.written++;
          return true;
        },
        (err: unknown) => {
          this.lost++;
          this.log.error(
            { err: messageOf(err), step, target: letter.target },
            `the late dead letter of a record for target "${letter.target}" could not be written; it is lost`,
          );
          return false;
        },
      );
  }

  snapshot(): LateLettersSnapshot {
    return { written: this.written, lost: this.lost };
  }
}
