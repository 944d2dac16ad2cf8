import type { Command } from '../command.js';
import { deadLettersCommand } from './dead-letters.js';
import { demoCommand } from './demo.js';
import { initCommand } from './init.js';
import { keygenCommand } from './keygen.js';
import { newPluginCommand } from './new-plugin.js';
import { publishCommand } from './publish.js';
import { replayCommand } from './replay.js';
import { runCommand } from './run.js';
import { testCommand } from './test.js';
import { tapCommand } from './tap.js';
import { topCommand } from './top.js';
import { validateCommand } from './validate.js';
import { versionCommand } from './version.js';

/** Every `tapline` command, in the order `tapline --help` lists them. */
export const commands: readonly Command[] = [
  initCommand,
  runCommand,
  validateCommand,
  testCommand,
  publishCommand,
  keygenCommand,
  demoCommand,
  deadLettersCommand,
  replayCommand,
  tapCommand,
  topCommand,
  newPluginCommand,
  versionCommand,
];
