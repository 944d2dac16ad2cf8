import { setTimeout as sleep } from 'node:timers/promises';
import { MALFORMED_PAYLOADS, sampleRecords } from '../publish/sample-messages.js';

/**
 * Endless sample traffic whose rate swells and ebbs around `rate` per second (so the charts
 * have something to show), every 150th payload malformed.
 */
export async function* demoTraffic(rate: number, signal: AbortSignal): AsyncGenerator<string> {
  const next = sampleRecords();
  const started = performance.now();
  let sent = 0;
  let due = 0;
  while (!signal.aborted) {
    const elapsed = (performance.now() - started) / 1000;
    // One swell a minute, between half and one and a half times the rate, plus a little noise.
    const current = rate * (1 + 0.5 * Math.sin((elapsed / 60) * 2 * Math.PI)) * (0.9 + Math.random() * 0.2);
    due += current / 20;
    for (; due >= 1; due--) {
      sent++;
      yield sent % 150 === 0
        ? MALFORMED_PAYLOADS[(sent / 150) % MALFORMED_PAYLOADS.length]!
        : JSON.stringify(next(sent));
    }
    await sleep(50, undefined, { signal }).catch(() => undefined);
  }
}
