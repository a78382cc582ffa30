import fs from 'node:fs';
import path from 'node:path';

/** fsync a directory so a rename inside it survives a crash (no-op where unsupported). */
export function fsyncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(directory, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The temp name `writeFileAtomic` stages `file` under; start-up removes leftovers of it. */
export function atomicTempPath(file: string): string {
  return `${file}.${process.pid}.tmp`;
}

/** Write a file so readers (and a restart after a crash) see the old content or the new one, never half of it. */
export function writeFileAtomic(file: string, content: string): void {
  const temp = atomicTempPath(file);
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  fsyncDirectory(path.dirname(file));
}
