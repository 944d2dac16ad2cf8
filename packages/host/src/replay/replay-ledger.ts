import { createHash } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';

/** What became of a letter's replay. `sent`: handed to the pipeline, its outcome not known yet. */
export type ReplayState = 'sent' | 'completed' | 'dropped' | 'failed' | 'lost';

/** One line of the ledger. */
export interface LedgerEntry {
  readonly id: string;
  readonly state: ReplayState;
  readonly time: string;
  /** Where the letter is: `file:line`. */
  readonly at: string;
}

/** A letter's identity: the hash of its line, which holds its time, step, message id and payload. */
export function letterId(line: string): string {
  return createHash('sha256').update(line).digest('hex').slice(0, 32);
}

/**
 * The replay ledger beside a dead-letter file (`FILE.replay.ndjson`): each letter's identity and
 * what its replay came to, appended as it happens. A letter whose last state is `completed`,
 * `dropped` or `failed` (its record then lives on in a new dead letter) is never replayed again;
 * one left `sent` (the replay was killed) or `lost` is, and `resumed` says so.
 */
export class ReplayLedger {
  private readonly last = new Map<string, ReplayState>();
  private pending: string[] = [];

  private constructor(readonly file: string) {}

  static async open(file: string): Promise<ReplayLedger> {
    const ledger = new ReplayLedger(file);
    const text = await readFile(file, 'utf8').catch((err: { code?: string }) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const entry = JSON.parse(line) as LedgerEntry;
        ledger.last.set(entry.id, entry.state);
      } catch {
        // A line cut short by a kill: the letter's earlier state stands.
      }
    }
    return ledger;
  }

  /** The letter's last recorded state, if it was replayed before. */
  stateOf(id: string): ReplayState | undefined {
    return this.last.get(id);
  }

  /** Whether a replay of this letter already ended for good. */
  done(id: string): boolean {
    const state = this.last.get(id);
    return state === 'completed' || state === 'dropped' || state === 'failed';
  }

  record(id: string, state: ReplayState, at: string): void {
    this.last.set(id, state);
    this.pending.push(JSON.stringify({ id, state, time: new Date().toISOString(), at }));
  }

  /** Appends what was recorded since the last flush; resolves once the OS has it. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const lines = `${this.pending.join('\n')}\n`;
    this.pending = [];
    await appendFile(this.file, lines);
  }
}
