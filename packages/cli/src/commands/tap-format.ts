/** A tap's record line as one human line: time, step and side, message id, the record, why it ended. */
export function recordText(l: Record<string, unknown>): string {
  const why =
    l.side === 'dropped'
      ? `  (dropped: ${String(l.reason)})`
      : l.side === 'failed'
        ? `  (failed: ${errorText(l.error)})`
        : '';
  return `${String(l.time)} ${String(l.step)}/${String(l.side)} #${String(l.id)} ${JSON.stringify(l.record)}${why}`;
}

export function errorText(error: unknown): string {
  const e = error as { code?: string; message?: string } | undefined;
  return `${e?.code ?? 'error'} ${e?.message ?? ''}`.trim();
}

/** A record as lines to diff: JSON text (a source's payload included) pretty-printed, other text as it is. */
export function shown(record: unknown): string {
  if (typeof record === 'string') {
    try {
      return JSON.stringify(JSON.parse(record), null, 2);
    } catch {
      return record;
    }
  }
  return JSON.stringify(record, null, 2) ?? String(record);
}
