import { setFlagsFromString } from 'node:v8';

/**
 * V8's allocation-site pretenuring, off in the host's process (unless Node's own options name it).
 *
 * When most of the objects made at one place in the code outlive a scavenge or two for a moment
 * (the records in flight while the young generation is still small, say), V8 makes every later
 * object of that place directly in the old generation. A record's objects (its context, its
 * batch's arrays, its frame) live for milliseconds: made old, each is garbage that only a full
 * collection frees. In some saturation rounds V8 did so for the source's objects, and the run
 * peaked at 187–207 MiB instead of 130–137, with more CPU per record (`bench/README.md`). Set
 * before the host's own modules load.
 */
const named = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((o) => o.includes('pretenuring'));
if (!named) setFlagsFromString('--no-allocation-site-pretenuring');
