// The embedded database belongs to one process at a time. A second process (a CLI command while
// the server runs, a second server) must stop before it touches the files, naming the holder.
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  constructor(readonly holder: { pid: number; command: string; since: string }, dir: string) {
    super(
      `数据目录 ${dir} 正被另一个进程使用 / the data folder ${dir} is in use by process ${holder.pid} ` +
        `(${holder.command}, since ${holder.since}); stop it first, or point DATABASE_URL at a PostgreSQL server to share one database`,
    );
    this.name = 'DataDirLockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the data folder's lock file or throws DataDirLockedError; returns the release function. */
export function lockDataDir(dir: string, command: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'meridian.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, command, since: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          const held = JSON.parse(readFileSync(file, 'utf8')) as { pid: number };
          if (held.pid === process.pid) unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder: { pid: number; command: string; since: string } | null = null;
      try {
        holder = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        holder = null; // half-written by a process that died at that instant: treat as stale
      }
      if (holder && holder.pid !== process.pid && alive(holder.pid)) throw new DataDirLockedError(holder, dir);
      // The holder is gone (crash, kill -9): the lock is stale and safe to take over.
      try {
        unlinkSync(file);
      } catch {
        /* another process removed it first */
      }
    }
  }
  throw new Error(`could not take the lock on ${dir}`);
}
