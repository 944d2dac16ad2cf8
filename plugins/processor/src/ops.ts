import {
  DROP,
  TransformError,
  type Drop,
  type JsonRecord,
  deletePath,
  getParent,
  parsePath,
  pathReader,
  pathWriter,
  type PathWriter,
} from '@tapline/core';
import { coercer } from './coerce.js';
import { compileCondition, compileLinearRegex } from '@tapline/core/condition';
import { compileComputed } from './computed.js';
import type { Step } from './options.js';
import { parseTemplate, renderTemplate } from './template.js';
import { compileValidate } from './validate.js';

/** One compiled step: takes the record, returns it (or a new one), or DROP. */
export type Op = (record: JsonRecord) => JsonRecord | Drop;

function write(record: JsonRecord, set: PathWriter, field: string, value: unknown): void {
  if (!set(record, value)) {
    throw new TransformError(
      field,
      `Cannot set "${field}": a part of the path holds a value that is not an object`,
    );
  }
}

// Literal objects are copied per record so that records never share (and mutate) one value.
function literal(value: unknown): () => unknown {
  return value !== null && typeof value === 'object' ? () => structuredClone(value) : () => value;
}

/** Compiles one step (validated and checked) into an op. `index` names it in error messages. */
export function compileStep(step: Step, index: number): Op {
  switch (step.type) {
    case 'set': {
      const set = pathWriter(parsePath(step.field));
      if (step.expr !== undefined) {
        const compute = compileComputed(step.expr);
        return (r) => (write(r, set, step.field, compute(r)), r);
      }
      if (step.template !== undefined) {
        const t = parseTemplate(step.template);
        return (r) => (write(r, set, step.field, renderTemplate(t, r)), r);
      }
      const value = literal(step.value);
      return (r) => (write(r, set, step.field, value()), r);
    }
    case 'default': {
      const path = parsePath(step.field);
      const get = pathReader(path);
      const set = pathWriter(path);
      const value = literal(step.value);
      return (r) => {
        const v = get(r);
        if (v === undefined || v === null) write(r, set, step.field, value());
        return r;
      };
    }
    case 'rename': {
      const from = parsePath(step.from);
      const setTo = pathWriter(parsePath(step.to));
      return (r) => {
        const parent = getParent(r, from);
        const key = from[from.length - 1]!;
        if (parent === undefined || parent[key] === undefined) return r;
        write(r, setTo, step.to, deletePath(r, from));
        return r;
      };
    }
    case 'remove': {
      const paths = step.fields.map(parsePath);
      return (r) => {
        for (let i = 0; i < paths.length; i++) deletePath(r, paths[i]!);
        return r;
      };
    }
    case 'pick': {
      const paths = step.fields.map(parsePath);
      const gets = paths.map(pathReader);
      const sets = paths.map(pathWriter);
      return (r) => {
        const out: JsonRecord = {};
        for (let i = 0; i < gets.length; i++) {
          const v = gets[i]!(r);
          if (v !== undefined) sets[i]!(out, v);
        }
        return out;
      };
    }
    case 'coerce': {
      const path = parsePath(step.field);
      const get = pathReader(path);
      const set = pathWriter(path);
      const convert = coercer(step.to, step.unit ?? 'auto');
      return (r) => {
        const v = get(r);
        if (v !== undefined && v !== null) write(r, set, step.field, convert(v, step.field));
        return r;
      };
    }
    case 'redact': {
      const paths = step.fields.map(parsePath);
      const gets = paths.map(pathReader);
      const sets = paths.map(pathWriter);
      const replacement = step.replacement ?? '[REDACTED]';
      if (step.pattern === undefined) {
        return (r) => {
          for (let i = 0; i < gets.length; i++) {
            if (gets[i]!(r) !== undefined) sets[i]!(r, replacement);
          }
          return r;
        };
      }
      const re = compileLinearRegex(step.pattern, step.flags);
      return (r) => {
        for (let i = 0; i < gets.length; i++) {
          const v = gets[i]!(r);
          if (typeof v === 'string') sets[i]!(r, re.matcher(v).replaceAll(replacement));
        }
        return r;
      };
    }
    case 'filter': {
      const keep = compileCondition(step.where);
      return (r) => (keep(r) ? r : DROP);
    }
    case 'validate':
      return compileValidate(step.schema, index);
  }
}
