import { createMessageContext, type MessageContext } from '@tapline/core';
import { describe, expect, it } from 'vitest';
import { MessageTable } from '../src/runtime/message-table.js';

/** A context with a chosen id: the table places messages by id. */
const withId = (id: number): MessageContext => ({ ...createMessageContext('in'), id });

describe('MessageTable', () => {
  it('holds exactly the messages added and not deleted, under random churn with wrapped ids', () => {
    const table = new MessageTable(8);
    const model = new Map<number, MessageContext>();
    // A fixed seed: the same sequence every run, with ids far apart so many share a home slot.
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let next = 2 ** 32 - 500; // ids cross 2^32, past which the hash takes their low 32 bits
    for (let step = 0; step < 20_000; step++) {
      const open = [...model.values()];
      if (open.length > 0 && random() < 0.5) {
        const m = open[Math.floor(random() * open.length)]!;
        expect(table.delete(m)).toBe(true);
        model.delete(m.id);
      } else {
        const m = withId((next += 1 + Math.floor(random() * 64)));
        table.add(m);
        model.set(m.id, m);
      }
      expect(table.size).toBe(model.size);
    }
    const expected = [...model.values()].sort((a, b) => a.id - b.id);
    expect(table.values()).toEqual(expected);
    expect(table.oldestId()).toBe(expected[0]?.id);
    for (const m of expected) expect(table.delete(m)).toBe(true);
    expect(table.size).toBe(0);
    expect(table.oldestId()).toBeUndefined();
  });

  it('answers false for a message deleted twice or never added', () => {
    const table = new MessageTable(4);
    const a = withId(1);
    table.add(a);
    expect(table.delete(a)).toBe(true);
    expect(table.delete(a)).toBe(false);
    expect(table.delete(withId(17))).toBe(false);
  });

  it('grows past its expected size and keeps every message', () => {
    const table = new MessageTable(2);
    const added = Array.from({ length: 1000 }, (_, i) => withId(i * 16 + 1));
    for (const m of added) table.add(m);
    expect(table.size).toBe(1000);
    expect(table.values()).toEqual(added);
    table.clear();
    expect(table.values()).toEqual([]);
    expect(table.delete(added[0]!)).toBe(false);
  });

  it('keeps a long stay beside fast churn: consecutive ids, one held while thousands pass', () => {
    const table = new MessageTable(1024);
    const held = Array.from({ length: 1000 }, (_, i) => withId(i + 1));
    for (const m of held) table.add(m);
    const passing: MessageContext[] = [];
    for (let id = 1001; id < 20_000; id++) {
      const m = withId(id);
      table.add(m);
      passing.push(m);
      if (passing.length > 1000) expect(table.delete(passing.shift()!)).toBe(true);
    }
    expect(table.size).toBe(2000);
    expect(table.values()).toEqual([...held, ...passing]);
    for (const m of held) expect(table.delete(m)).toBe(true);
    expect(table.oldestId()).toBe(passing[0]!.id);
  });
});
