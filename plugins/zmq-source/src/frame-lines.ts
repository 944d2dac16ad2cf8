/** One line of a frame: a string when the frame was valid UTF-8, else its bytes. */
export type Line = string | Buffer;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Walks the lines of one NDJSON frame (decode `ndjson`), one at a time, so the receive loop can
 * wait for capacity between two records. A frame that is valid UTF-8 is decoded once and its
 * lines are slices of that text; one that is not is split on its bytes, so that only its bad
 * lines fail to decode. Blank lines are skipped but counted, so `line` is the 1-based line
 * number a text editor would show; a `\r` before the newline is dropped.
 */
export class FrameLines {
  /** The 1-based number, within its frame, of the line `next` returned last. */
  line = 0;
  private text: string | undefined;
  private bytes: Buffer | undefined;
  private at = 0;

  reset(frame: Buffer): void {
    this.line = 0;
    this.at = 0;
    try {
      this.text = utf8.decode(frame);
      this.bytes = undefined;
    } catch {
      this.text = undefined;
      this.bytes = frame;
    }
  }

  /** The next non-blank line, or undefined once the frame is done. */
  next(): Line | undefined {
    if (this.text !== undefined) return this.nextText(this.text);
    if (this.bytes !== undefined) return this.nextBytes(this.bytes);
    return undefined;
  }

  private nextText(text: string): string | undefined {
    while (this.at < text.length) {
      const start = this.at;
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      this.at = end + 1;
      this.line++;
      if (end > start && text.charCodeAt(end - 1) === CR) end--;
      if (end > start && !blank((i) => text.charCodeAt(i), start, end)) return text.slice(start, end);
    }
    this.text = undefined;
    return undefined;
  }

  private nextBytes(bytes: Buffer): Buffer | undefined {
    while (this.at < bytes.length) {
      const start = this.at;
      let end = bytes.indexOf(NEWLINE, start);
      if (end === -1) end = bytes.length;
      this.at = end + 1;
      this.line++;
      if (end > start && bytes[end - 1] === CR) end--;
      if (end > start && !blank((i) => bytes[i]!, start, end)) return bytes.subarray(start, end);
    }
    this.bytes = undefined;
    return undefined;
  }
}

const SPACE = 0x20;
const TAB = 0x09;

/** Whether [start, end) holds only spaces and tabs; a line of JSON gives up at its first character. */
function blank(at: (i: number) => number, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = at(i);
    if (c !== SPACE && c !== TAB) return false;
  }
  return true;
}
