import type { ZmqSourceOptions } from './options.js';

/** What to do with a message of more than one payload frame. */
export type FramePolicy = 'last' | 'join' | 'reject';

/**
 * PULL refuses multipart messages unless told otherwise: a sender that splits a record into
 * frames would otherwise lose all but one without a trace. SUB keeps its historical default
 * (topic frame, then the last frame as payload).
 */
export function framePolicy(options: Pick<ZmqSourceOptions, 'frames' | 'socket'>): FramePolicy {
  return options.frames ?? (options.socket === 'pull' ? 'reject' : 'last');
}

/** A multipart message made one payload, with what the attributes should say about it. */
export interface Shaped {
  readonly payload: Buffer;
  readonly attributes: Record<string, unknown>;
}

/**
 * Shapes a message of several frames. `body` is the index of the first payload frame (1 on
 * SUB, where frame 0 is the topic). `reject` still hands on every byte (the frames joined), so
 * the dead letter loses nothing, with `refused` saying why and naming every frame's size.
 */
export function shapeFrames(frames: Buffer[], body: number, policy: FramePolicy): Shaped {
  const n = frames.length;
  if (n - body <= 1 || policy === 'last') return { payload: frames[n - 1]!, attributes: { frames: n } };
  const payload = Buffer.concat(body === 0 ? frames : frames.slice(body));
  if (policy === 'join') return { payload, attributes: { frames: n } };
  const sizes = frames.map((f) => f.length);
  return {
    payload,
    attributes: {
      frames: n,
      frameSizes: sizes,
      refused:
        `A message of ${n} frames (${sizes.join(', ')} bytes) was refused: this source takes one ` +
        `payload frame${body === 1 ? ' after the topic' : ''}. Send one frame, or set the option ` +
        `"frames" to "join" (concatenate them) or "last" (keep only the last).`,
    },
  };
}

/** What a message may hold: at most `frames` frames and `bytes` bytes, all frames together. */
export interface MessageLimits {
  readonly frames: number;
  /** Infinity for no limit. */
  readonly bytes: number;
}

/** Handed on in place of a message too large to keep: its dead letter holds no payload. */
export const NO_PAYLOAD: Buffer = Buffer.alloc(0);

/**
 * The attributes of a multipart message over `limits`, or undefined when it is within them.
 * Checked before anything is joined or decoded, so an oversized message costs no copy; ZeroMQ
 * has already refused any single frame over the limit (maxMessageSize).
 */
export function oversize(frames: Buffer[], limits: MessageLimits): Record<string, unknown> | undefined {
  let bytes = 0;
  for (let i = 0; i < frames.length; i++) bytes += frames[i]!.length;
  if (frames.length <= limits.frames && bytes <= limits.bytes) return undefined;
  return { frames: frames.length, bytes, tooLarge: true };
}
