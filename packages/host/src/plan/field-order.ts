import type { FieldType } from '@tapline/core';
import type { PlannedStep } from './chain.js';

/** A step that reads a field with a type only a later step gives it: valid, but likely a slip. */
export interface FieldOrderWarning {
  readonly step: string;
  readonly field: string;
  readonly type: FieldType;
  /** The later step that writes the field with that type. */
  readonly writer: string;
  readonly message: string;
}

/**
 * What the steps' declared field types say about their order: a step that reads a field as a
 * number while only a step after it coerces the field to one (a metrics step moved before the
 * processor) gets a warning. A field no step declares is the records' own business: no warning.
 */
export function fieldOrderWarnings(steps: readonly PlannedStep[]): FieldOrderWarning[] {
  const declared = steps.map((s) => s.manifest.fields?.(s.options) ?? {});
  const warnings: FieldOrderWarning[] = [];
  steps.forEach((step, i) => {
    for (const [field, type] of Object.entries(declared[i]!.reads ?? {})) {
      const writes = (j: number) => declared[j]!.writes?.[field] === type;
      if (steps.slice(0, i).some((_, j) => writes(j))) continue;
      const later = steps.findIndex((_, j) => j > i && writes(j));
      if (later < 0) continue;
      const writer = steps[later]!.id;
      warnings.push({
        step: step.id,
        field,
        type,
        writer,
        message:
          `step "${step.id}" reads "${field}" as a ${type}, but only step "${writer}" after it makes it one; ` +
          `records reach "${step.id}" without it. Move "${step.id}" after "${writer}".`,
      });
    }
  });
  return warnings;
}
