import type { Static, TSchema } from '@sinclair/typebox';
import type { Registry } from 'prom-client';
import type { AnyDomain } from './base-domain.js';
import type { Problem, TaplineError } from './errors.js';
import type { Logger } from './logger.js';
import type { TypeName } from './types.js';

/** The plugin API major this core implements. The host refuses a manifest written for another. */
export const API_VERSION = 1;

/** The static type of a step's validated options: inferred from a TypeBox schema. */
export type OptionsOf<S> = S extends TSchema ? Static<S> : Record<string, unknown>;

/** What a plugin's `create` receives besides its options. */
export interface PluginContext {
  /** The step id from the config. Pass the context to `BaseDomain`'s constructor. */
  readonly id: string;
  /** The plugin's manifest name. */
  readonly plugin: string;
  /** A child logger whose every line names the step. */
  readonly logger: Logger;
  /** The Prometheus registry the host exposes on `/metrics`; register a plugin's own metrics here. */
  readonly registry: Registry;
  /** The directory of the config file; resolve relative paths in options against it. */
  readonly configDir: string;
  /** Aborted when the host begins to stop. */
  readonly signal: AbortSignal;
  /**
   * Writes a dead letter for one output of a record that had already completed: a disk-buffered
   * target that gave up on it after it was durably taken. The record's outcome stays completed;
   * the letter names the output, so a replay sends the record to it alone. Resolves true once the
   * letter is in the dead-letter file (or counted, when the host keeps none), false when it could
   * not be written; never rejects.
   */
  readonly lateDeadLetter: (letter: LateDeadLetter) => Promise<boolean>;
}

/** A dead letter that comes after its record completed (see {@link PluginContext.lateDeadLetter}). */
export interface LateDeadLetter {
  /** The output that gave up on the record, by name. */
  readonly target: string;
  /** The record as the step received it, as JSON text: a replay enters it at this step. */
  readonly record: string;
  /** The id of the message it came in as, when the step still knows it (never after a restart). */
  readonly messageId?: number;
  /** Why: its `code` becomes the letter's `errorType`. */
  readonly error: TaplineError;
}

/** The JSON type of a record's field, as a step declares what it reads or writes. */
export type FieldType = 'number' | 'string' | 'boolean';

/** The record fields (paths) a step reads or writes with a given JSON type. */
export interface FieldTypes {
  readonly reads?: Readonly<Record<string, FieldType>>;
  readonly writes?: Readonly<Record<string, FieldType>>;
}

/** A type name, or a function of the validated options (and, for outputs, the input type) giving one. */
export type TypeSpec<O> = TypeName | ((options: O, input: TypeName) => TypeName);

/**
 * The default export of a plugin package. Make it with {@link definePlugin}.
 *
 * @typeParam S - the options schema (TypeBox, or plain JSON Schema)
 * @typeParam D - the domain `create` returns
 */
export interface PluginManifest<S extends object = TSchema, D extends AnyDomain = AnyDomain> {
  /** Unique, `tapline:processor` style; used in logs and errors. */
  readonly name: string;
  /** The plugin API major this plugin was written for: {@link API_VERSION}. */
  readonly apiVersion: number;
  /**
   * `source` for a plugin whose domain is a {@link SourceDomain} (it takes messages in from
   * outside, and must come first); left out otherwise. The one declaration of a step's kind: the
   * host checks the chain by it before any domain exists, and then that the domain matches it.
   */
  readonly kind?: 'source' | 'domain';
  readonly description?: string;
  /** The type name this step accepts. */
  readonly input: TypeSpec<OptionsOf<S>>;
  /** The type name this step emits; as a function it also receives the type it is fed. */
  readonly output: TypeSpec<OptionsOf<S>>;
  /** JSON Schema of the step's `options`; its defaults are applied before `create`. */
  readonly options: S;
  /**
   * Whether the step writes records to the process's stdout with these options (the exporter's
   * `stdout` target): the host then logs to stderr, so that stdout carries records only.
   */
  readonly writesStdout?: (options: OptionsOf<S>) => boolean;
  /**
   * The fields the step reads or writes with a given type (the processor's coerce ops write
   * theirs; the metrics step reads numbers). `tapline validate` warns when a step reads a field
   * that only a later step gives its type.
   */
  readonly fields?: (options: OptionsOf<S>) => FieldTypes;
  /** Checks beyond the schema (a pattern that does not compile, say), each with its JSON pointer. */
  readonly check?: (options: OptionsOf<S>) => Problem[];
  /** Makes the step's domain. Construct only: acquire resources in `initialize`. */
  readonly create: (options: OptionsOf<S>, ctx: PluginContext) => D | Promise<D>;
}

/**
 * Declares a plugin. Returns its argument unchanged: it exists so that the options' static type
 * is inferred from the same schema the host validates with.
 */
export function definePlugin<S extends object, D extends AnyDomain>(
  manifest: PluginManifest<S, D>,
): PluginManifest<S, D> {
  return manifest;
}

/** Resolves a manifest's input or output spec for given options. */
export function resolveType<O>(spec: TypeSpec<O>, options: O, input: TypeName = 'any'): TypeName {
  return typeof spec === 'function' ? spec(options, input) : spec;
}

/** A manifest of whatever options and domain: what the host holds loaded plugins as. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- options and domain vary per plugin
export type AnyManifest = PluginManifest<any, any>;
