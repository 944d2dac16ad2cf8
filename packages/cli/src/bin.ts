#!/usr/bin/env node
import './v8-flags.js'; // first: before the host's modules load
import { main } from './main.js';

// exitCode, not exit(): a publisher's socket lingers until its queued frames are delivered.
process.exitCode = await main(process.argv.slice(2));
