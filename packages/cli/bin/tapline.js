#!/usr/bin/env node
// The installed `tapline` command. It exists before the first build, so that `pnpm install`
// on a fresh clone links it; the command itself is the built dist/bin.js.
import '../dist/bin.js';
