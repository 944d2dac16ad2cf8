import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getPath, parsePath, pathReader, pathWriter, setPath, type Segment } from '../src/index.js';

const PATHS = ['level', 'user.name', 'user.emails.0', 'items[1].id', 'a.b.c', 'odd key.with "quotes"', '0'];

/** Records that take every branch of a walk: present, missing, null, a scalar or a function on the way, arrays. */
function records(): Array<Record<string, unknown>> {
  return [
    {},
    { level: 'info', user: { name: 'ada', emails: ['a@x', 'b@x'] }, items: [{ id: 1 }, { id: 2 }] },
    { level: null, user: null, items: [] },
    { user: 'not an object', items: 'nor this', a: { b: 5 } },
    { user: { name: () => 'a function' }, a: { b: { c: null } }, 'odd key': { 'with "quotes"': true } },
    { 0: 'zero', items: [null, null], a: [1, 2] },
  ];
}

describe('pathReader and pathWriter', () => {
  it.each(PATHS)('read and write %s as getPath and setPath do', (text) => {
    const path = parsePath(text);
    const read = pathReader(path);
    const write = pathWriter(path);
    for (const record of records()) {
      expect(read(record)).toEqual(getPath(record, path));
      const viaWriter = copyOf(record);
      const viaSetPath = copyOf(record);
      expect(write(viaWriter, 'new')).toBe(setPath(viaSetPath, path, 'new'));
      expect(viaWriter).toEqual(viaSetPath);
    }
  });

  it('keep to the path they were made for, whatever its keys hold', () => {
    const path: Segment[] = ['a\nb', "it's", '`${x}`', '\\'];
    const record: Record<string, unknown> = {};
    expect(pathWriter(path)(record, 1)).toBe(true);
    expect(record).toEqual({ 'a\nb': { "it's": { '`${x}`': { '\\': 1 } } } });
    expect(pathReader(path)(record)).toBe(1);
  });

  it('read and write through getPath and setPath where the runtime makes no code from text', () => {
    const core = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `
      import('${core}').then(({ parsePath, pathReader, pathWriter }) => {
        const path = parsePath('user.emails[1]');
        const record = {};
        const wrote = pathWriter(path)(record, 'b@x');
        process.stdout.write(JSON.stringify({ wrote, record, read: pathReader(path)(record) }));
      });`;
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', script], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({
      wrote: true,
      record: { user: { emails: [null, 'b@x'] } },
      read: 'b@x',
    });
  });
});

/** A copy for each of the two to write to (without the functions, which JSON drops). */
function copyOf(record: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
}
