/**
 * Files only their owner may read (key files): created atomically across processes, refused when others can
 * read them, as ssh refuses such keys.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
}

/**
 * Writes `text` to a new file with mode 0600 (its folder 0700): written and fsynced to a private temporary
 * file, then hard-linked into place, so a concurrent reader never sees half a key. Throws EEXIST (the
 * file's own error) when the file exists: the loser of a race reads the winner's file.
 */
export function writePrivateFileOnce(file: string, text: string): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}`);
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(temp, file);
  } finally {
    fs.unlinkSync(temp);
  }
  const dirFd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
}

/** Whether the error is "the file exists": another process created it first. */
export const alreadyExists = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'EEXIST';

/** Throws KeyFileError when anyone but the owner can read or write `file`. */
export function assertPrivate(file: string): void {
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0)
    throw new KeyFileError(`${file} is readable by others (mode ${mode.toString(8)}): chmod 600 it`);
}
