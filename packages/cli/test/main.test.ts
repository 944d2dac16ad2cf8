import { describe, expect, it } from 'vitest';
import { commands } from '../src/commands/index.js';
import { main } from '../src/main.js';
import { bufferIo } from './io.js';

describe('tapline', () => {
  it('lists every command in --help', async () => {
    const io = bufferIo();
    expect(await main(['--help'], io)).toBe(0);
    for (const c of commands) expect(io.out()).toContain(c.name);
  });

  it.each(commands.map((c) => c.name))('prints help for %s', async (name) => {
    const io = bufferIo();
    expect(await main([name, '--help'], io)).toBe(0);
    expect(io.out()).toMatch(new RegExp(`^Usage: tapline ${name}`));
    expect(io.out()).toContain('--help');
  });

  it.each(commands.map((c) => c.name))('names every flag of %s in its usage line', (name) => {
    const command = commands.find((c) => c.name === name)!;
    for (const flag of Object.keys(command.flags)) expect(command.usage).toContain(`--${flag}`);
  });

  it('refuses an unknown flag, naming it, with exit code 2', async () => {
    const io = bufferIo();
    expect(await main(['publish', '--adress', 'tcp://127.0.0.1:1'], io)).toBe(2);
    expect(io.err()).toContain('Unknown option --adress');
    expect(io.err()).toContain('tapline publish --help');
  });

  it('refuses an unknown command', async () => {
    const io = bufferIo();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.err()).toContain('Unknown command "frobnicate"');
  });

  it('refuses bad flag values before connecting anywhere', async () => {
    for (const args of [
      ['--count', '0'],
      ['--count', 'ten'],
      ['--rate', '-1'],
      ['--socket', 'dealer'],
      ['--topic', 'x'],
    ]) {
      const io = bufferIo();
      expect(await main(['publish', '--address', 'tcp://127.0.0.1:1', ...args], io)).toBe(2);
      expect(io.err()).toMatch(/--(count|rate|socket|topic)/);
    }
  });
});
