import {
  BaseDomain,
  DROP,
  ValidationError,
  type DomainIdentity,
  type Drop,
  type JsonRecord,
} from '@tapline/core';
import { compileStep, type Op } from './ops.js';
import type { ProcessorOptions } from './options.js';

/**
 * Runs a record through the configured steps, in order. The steps are compiled when the domain
 * is constructed, so handling a message parses nothing.
 *
 * Records are changed in place (only `pick` builds a new one): the record a step receives is
 * the one the previous step forwarded, and nothing else holds it. A record that fails half way
 * is left half changed, and so its dead letter holds it (beside the original payload): a replay
 * at this step runs every operation again on it.
 */
export class ProcessorDomain extends BaseDomain<JsonRecord, JsonRecord> {
  private readonly ops: readonly Op[];

  constructor(options: ProcessorOptions, identity?: DomainIdentity) {
    super(identity);
    this.ops = options.steps.map(compileStep);
  }

  /** How many steps run on each record. */
  get stepCount(): number {
    return this.ops.length;
  }

  execute(input: JsonRecord): JsonRecord | Drop {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw new ValidationError(`The processor takes records (JSON objects), not ${describe(input)}`);
    }
    let record: JsonRecord | Drop = input;
    const ops = this.ops;
    for (let i = 0; i < ops.length; i++) {
      record = ops[i]!(record);
      if (record === DROP) return DROP;
    }
    return record;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
