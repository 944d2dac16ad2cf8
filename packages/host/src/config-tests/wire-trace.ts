import type { MessageContext, AnyDomain } from '@tapline/core';
import { captureTargets } from './capture-exporter.js';
import { snapshot, type TestTrace } from './test-trace.js';

/** A step under test: its plan and the domain its plugin's real `create` made. */
export interface TestStep {
  readonly id: string;
  readonly plugin: string;
  readonly output: string;
  readonly domain: AnyDomain;
  /** Not run: a terminal exporter whose targets cannot be captured; what reaches it is the end. */
  passive: boolean;
}

/** The message being handed to the next step, so that an exporter's writes are put to its account. */
export interface Cursor {
  message: MessageContext | undefined;
}

/**
 * Taps the steps under test once, as the host's wiring does, but into a trace: each step's
 * output (a copy, since later steps may change records in place) and the next step's `handle`,
 * every drop and error, and the end: a terminal exporter's captured writes, or the last step's
 * output.
 */
export function wireTrace(steps: TestStep[], trace: TestTrace, cursor: Cursor): void {
  const last = steps[steps.length - 1]!;
  if (last.output === 'receipt') {
    // A record routed to several targets is written to each: it reaches the end once.
    let ended: MessageContext | undefined;
    const captured = captureTargets(last.domain, (json, target) => {
      const record: unknown = JSON.parse(json);
      const message = cursor.message!;
      trace.reachTarget(target, snapshot(record), message);
      if (message === ended) return;
      ended = message;
      trace.emit(last.id, record, message);
      trace.reachEnd(snapshot(record), message);
    });
    last.passive = !captured;
  }
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (step.passive) break;
    const domain = step.domain;
    domain.onDropped((_event, message) => trace.drop(step.id, message), 'tapline:test');
    domain.onError((event, message) => trace.fail(event, message), 'tapline:test');
    const next = steps[i + 1];
    if (next === undefined) {
      domain.onHandled((output: unknown, message: MessageContext) => {
        // A captured exporter's records are its writes; its receipt is not a record.
        if (step.output !== 'receipt') {
          trace.emit(step.id, output, message);
          trace.reachEnd(snapshot(output), message);
        }
        trace.complete(message);
      }, 'tapline:test');
    } else if (next.passive) {
      domain.onHandled((output: unknown, message: MessageContext) => {
        trace.emit(step.id, output, message);
        trace.emit(next.id, output, message);
        trace.reachEnd(snapshot(output), message);
        trace.complete(message);
      }, 'tapline:test');
    } else {
      domain.onHandled((output: unknown, message: MessageContext) => {
        trace.emit(step.id, output, message);
        cursor.message = message;
        void next.domain.handle(output, message); // handle() never rejects
      }, 'tapline:test');
    }
  }
}
