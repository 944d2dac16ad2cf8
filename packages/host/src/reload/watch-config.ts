import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

/**
 * Calls `changed` once a burst of changes to `file` has settled for `debounceMs`. Watches the
 * file's directory, not the file: editors often save by writing a new file and renaming it
 * over the old one, which a watch on the old file's inode would never see. Returns a closer.
 */
export function watchConfig(file: string, changed: () => void, debounceMs = 300): () => void {
  const name = path.basename(file);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watcher: FSWatcher = watch(path.dirname(file), { persistent: false }, (_event, filename) => {
    if (filename !== null && filename !== name) return;
    clearTimeout(timer);
    timer = setTimeout(changed, debounceMs);
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
