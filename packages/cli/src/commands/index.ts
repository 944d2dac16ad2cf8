import type { Command } from '../command.js';
import { publishCommand } from './publish.js';

/** Every `tapline` command, in the order `tapline --help` lists them. */
export const commands: readonly Command[] = [publishCommand];
