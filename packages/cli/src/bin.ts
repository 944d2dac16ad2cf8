#!/usr/bin/env node
import { main } from './main.js';

// exitCode, not exit(): a publisher's socket lingers until its queued frames are delivered.
process.exitCode = await main(process.argv.slice(2));
