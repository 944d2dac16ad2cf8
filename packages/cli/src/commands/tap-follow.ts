import { lineDiff } from '@tapline/host';
import { errorText, shown } from './tap-format.js';

/**
 * Prints one followed message step by step as its lines arrive: the record each step was handed
 * and what it handed on as a diff, with the step's time for it, then how the message ended.
 */
export class FollowView {
  /** What the step the message is in was handed. */
  private handed: { step: string; record: unknown } | undefined;
  private headed = false;

  constructor(private readonly out: NodeJS.WritableStream) {}

  add(l: Record<string, unknown>): void {
    if (!this.headed && l.id !== undefined) {
      this.out.write(`message #${String(l.id)}\n`);
      this.headed = true;
    }
    if (l.type === 'outcome') return this.outcome(l);
    const step = String(l.step);
    if (l.side === 'input') {
      this.handed = { step, record: l.record };
      return;
    }
    const before = this.handed?.step === step ? this.handed.record : undefined;
    this.handed = undefined;
    if (l.side === 'output') {
      const ms = typeof l.durationMs === 'number' ? `${l.durationMs.toFixed(3)} ms` : 'time not seen';
      this.out.write(`\n── ${step}  ${ms} (its share of the batch's time in the step)\n`);
      const after = l.record;
      this.out.write(`${before === undefined ? shown(after) : lineDiff(shown(before), shown(after))}\n`);
      if (l.receipt !== undefined) this.out.write(`  written: ${JSON.stringify(l.receipt)}\n`);
      return;
    }
    const why = l.side === 'dropped' ? `dropped: ${String(l.reason)}` : `failed: ${errorText(l.error)}`;
    this.out.write(`\n── ${step}  ${why}\n${shown(before ?? l.record)}\n`);
  }

  private outcome(l: Record<string, unknown>): void {
    const at = l.step === undefined ? '' : ` at ${String(l.step)}`;
    let text = `\noutcome: ${String(l.outcome)}${at}`;
    if (l.outcome === 'dropped') text += ` (${String(l.reason)})`;
    if (l.error !== undefined) text += `: ${errorText(l.error)}`;
    if (typeof l.deadLetter === 'string') text += `; dead letter in ${l.deadLetter}`;
    this.out.write(`${text}\n`);
  }
}
