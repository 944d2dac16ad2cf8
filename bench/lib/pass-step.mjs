// A step that hands each record on unchanged: `in-memory.mjs --steps N --step-plugin pass` adds N
// of them before the exporter, so that what one step of a plugin of its own costs the host (the
// template, its event, its clock read, the Monitor, the hand-on) shows as the difference per step.
import { API_VERSION, BaseDomain, Type, definePlugin } from '@tapline/core';

class PassStep extends BaseDomain {
  execute(record) {
    return record;
  }
}

export default definePlugin({
  name: 'bench-pass-step',
  apiVersion: API_VERSION,
  input: 'record',
  output: 'record',
  options: Type.Object({}),
  create: (_options, ctx) => new PassStep(ctx),
});
