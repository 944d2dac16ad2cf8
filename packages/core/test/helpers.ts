import { BaseDomain, createMessageContext, type MessageContext } from '../src/index.js';

/** A domain whose execute is the given function. */
export class FnDomain<I, O> extends BaseDomain<I, O> {
  constructor(
    id: string,
    private readonly fn: (input: I, message: MessageContext) => any,
  ) {
    super({ id });
  }
  execute(input: I, message: MessageContext) {
    return this.fn(input, message);
  }
}

export const context = () => createMessageContext('test');
