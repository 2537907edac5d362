// Certificate rotation without a restart: SIGHUP, or a change to any certificate file, re-reads
// them all; new connections get the new certificates, open ones keep theirs.
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export type ReloadCause = 'SIGHUP' | 'file change';

/** Editors and certbot write a key and a certificate in several steps: wait for the last. */
export const RELOAD_DEBOUNCE_MS = 250;

/**
 * Calls `reload` on SIGHUP and, debounced, when one of `files` changes. The directories are
 * watched rather than the files: a file replaced by rename (editors, `mv`, certbot's symlinks)
 * would leave a watch on the old inode. Returns a function that stops watching.
 */
export function watchForReload(files: readonly string[], reload: (cause: ReloadCause) => void, debounceMs = RELOAD_DEBOUNCE_MS): () => void {
  const onHup = () => reload('SIGHUP');
  process.on('SIGHUP', onHup);

  const byDir = new Map<string, Set<string>>();
  for (const f of files) {
    const full = resolve(f);
    const names = byDir.get(dirname(full)) ?? new Set<string>();
    names.add(basename(full));
    byDir.set(dirname(full), names);
  }
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(() => reload('file change'), debounceMs);
  };
  const watchers: FSWatcher[] = [];
  for (const [dir, names] of byDir) {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => {
        if (name === null || names.has(name.toString())) changed();
      });
      // A directory that goes away ends its watch; SIGHUP still works.
      w.on('error', () => w.close());
      watchers.push(w);
    } catch {
      // Not watchable (permissions, inotify limits): SIGHUP still works.
    }
  }
  return () => {
    process.off('SIGHUP', onHup);
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
