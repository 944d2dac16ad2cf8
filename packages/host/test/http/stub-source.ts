import {
  BaseDomain,
  DecodeError,
  createMessageContext,
  prometheus,
  type MessageContext,
} from '@tapline/core';
import { Monitor } from '@tapline/core/internal';
import { DurationWindow } from '@tapline/core/internal';
import type { MonitoredMetrics, MonitoringSource } from '../../src/http/monitoring-source.js';

class Parse extends BaseDomain<string, unknown> {
  execute(input: string): unknown {
    try {
      return JSON.parse(input);
    } catch (err) {
      throw new DecodeError('not JSON', err);
    }
  }
}

class Passthrough extends BaseDomain<unknown, unknown> {
  execute(input: unknown): unknown {
    if (input === null) throw new TypeError('null record');
    return input;
  }
}

/**
 * A monitoring source made of real core pieces (two domains, a Monitor, a registry) with
 * accounting kept by hand, for testing the monitoring API without a host.
 */
export function stubSource() {
  const monitor = new Monitor({ durationsWindow: 100 });
  const registry = new prometheus.Registry();
  const parse = new Parse({ id: 'parse' });
  const pass = new Passthrough({ id: 'pass' });
  monitor.attach(parse).attach(pass);
  const accounting = { received: 0, completed: 0, dropped: 0, failed: 0, lost: 0, inFlight: 0, held: 0 };
  const latency = new DurationWindow(100);
  parse.onHandled((value, message) => pass.handle(value, message));
  pass.onHandled((_v, message: MessageContext) => {
    accounting.completed++;
    latency.add(performance.now() - message.receivedAt);
  });
  parse.onError(() => accounting.failed++);
  pass.onError(() => accounting.failed++);
  const source = {
    ready: false as boolean,
    registry,
    getMetrics(): MonitoredMetrics {
      return {
        ...monitor.getMetrics(),
        accounting: { ...accounting, droppedBy: { filtered: accounting.dropped } },
        latency: latency.stats(),
        steps: [
          { id: 'parse', plugin: 'test:parse', kind: 'source', input: 'text', output: 'json' },
          { id: 'pass', plugin: 'test:pass', kind: 'domain', input: 'json', output: 'json' },
        ],
        state: source.ready ? 'running' : 'created',
        uptimeMs: 1234,
        reloads: { success: 0, failure: 0, queued: 0 },
        lateDeadLetters: { written: 0, lost: 0 },
      };
    },
    /** Runs one message through both steps. */
    send(text: string): void {
      accounting.received++;
      void parse.handle(text, createMessageContext('parse', text));
    },
  } satisfies MonitoringSource & Record<string, unknown>;
  return source;
}
