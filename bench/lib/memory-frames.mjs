// The frames the in-memory benchmark feeds: records of the publisher's shape whose message
// holds a token, so that the redact step replaces something in every record.
import { recordTails } from './record-tails.mjs';

const tails = recordTails({ token: true });

/** `count` frames, one record each, made before the clock starts. */
export const makeFrames = (count) =>
  Array.from({ length: count }, (_, i) =>
    Buffer.from(`{"sentAt":${1.7e12 + i},"seq":${i},${tails[i & 1023]}`),
  );

/** CPU time (user + system, every thread) since `since`, in µs. */
export function cpuUsSince(since) {
  const { user, system } = process.cpuUsage(since);
  return user + system;
}
