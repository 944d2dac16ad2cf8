import { parsePath, pathProblem, pathReader, type PathReader } from '@tapline/core';

/** A template split once into literal text and fields, alternating: text, field, text, ... */
export interface Template {
  readonly texts: readonly string[];
  readonly fields: readonly PathReader[];
}

/**
 * Parses `"{service}-{level}"`. `{{` and `}}` stand for literal braces. Throws a plain Error
 * whose message says what is wrong; `check` turns it into a problem with its path.
 */
export function parseTemplate(source: string): Template {
  const texts: string[] = [];
  const fields: PathReader[] = [];
  let text = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if ((c === '{' || c === '}') && source[i + 1] === c) {
      text += c;
      i++;
    } else if (c === '{') {
      const close = source.indexOf('}', i);
      if (close === -1) throw new Error(`unclosed "{" at ${i}: write "{{" for a literal brace`);
      const path = source.slice(i + 1, close).trim();
      if (path.includes('{')) throw new Error(`unclosed "{" at ${i}: write "{{" for a literal brace`);
      const problem = pathProblem(path);
      if (problem !== undefined) throw new Error(`placeholder at ${i}: ${problem}`);
      texts.push(text);
      fields.push(pathReader(parsePath(path)));
      text = '';
      i = close;
    } else if (c === '}') {
      throw new Error(`unopened "}" at ${i}: write "}}" for a literal brace`);
    } else {
      text += c;
    }
  }
  texts.push(text);
  return { texts, fields };
}

/** Fills a template from a record; a missing or null field gives ''. Objects render as JSON. */
export function renderTemplate(t: Template, record: unknown): string {
  let out = t.texts[0]!;
  for (let i = 0; i < t.fields.length; i++) {
    const v = t.fields[i]!(record);
    out += v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    out += t.texts[i + 1]!;
  }
  return out;
}
