import { BaseDomain, createMessageContext, type MessageContext } from '@tapline/core';
import { describe, expect, it } from 'vitest';
import { StepRouter } from '../src/runtime/step-router.js';

class Keep extends BaseDomain<number, number> {
  readonly batches: number[][] = [];
  execute(x: number): number {
    return x;
  }
  override handleBatch(inputs: readonly number[], messages: readonly MessageContext[], at: number) {
    this.batches.push([...inputs]);
    return super.handleBatch(inputs, messages, at);
  }
}

describe('StepRouter', () => {
  it("hands a whole batch to the newest chain, and splits one only while a reload's older chain drains", () => {
    const old = new Keep({ id: 'old' });
    const neu = new Keep({ id: 'new' });
    const completed: number[][] = [];
    const router = new StepRouter(old, (messages) => void completed.push(messages.map((m) => m.id)));
    const messages = Array.from({ length: 4 }, () => createMessageContext('test'));
    router.forward([1, 2], messages.slice(0, 2), 0);
    router.add(messages[2]!.id, neu);
    router.forward([3, 4], messages.slice(2), 0);
    router.forward([1, 2, 3, 4], messages, 0);
    expect(old.batches).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(neu.batches).toEqual([
      [3, 4],
      [3, 4],
    ]);
    router.add(messages[3]!.id + 1, undefined);
    router.forward([4], messages.slice(3), 0);
    expect(neu.batches.at(-1)).toEqual([4]);
    expect(completed).toEqual([]);
  });
});
