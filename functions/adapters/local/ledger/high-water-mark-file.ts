/**
 * The ledger's high-water mark as a file next to its SQLite database (`ledger.anchor`): the largest signed
 * checkpoint note. Written atomically (a private temporary file, fsynced, renamed over the old one, the
 * directory fsynced), and only ever raised: a writer that finds a larger checkpoint already anchored leaves it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseCheckpoint } from '../../../ledger/core/checkpoint.ts';
import { parseNote } from '../../../ledger/core/signed-note.ts';
import type { HighWaterMark } from '../../../ledger/ports/high-water-mark.ts';

export class FileHighWaterMark implements HighWaterMark {
  constructor(readonly location: string) {}

  read(): string | undefined {
    try {
      return fs.readFileSync(this.location, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  raise(note: string): void {
    const size = sizeOf(note);
    const current = this.read();
    if (current !== undefined && sizeOf(current) >= size) return;
    const dir = path.dirname(this.location);
    const temp = path.join(
      dir,
      `.${path.basename(this.location)}.${process.pid}.${randomBytes(6).toString('hex')}`,
    );
    const fd = fs.openSync(temp, 'wx', 0o600);
    try {
      fs.writeSync(fd, note);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, this.location);
    const dirFd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  }
}

function sizeOf(note: string): number {
  try {
    return parseCheckpoint(parseNote(note).text).size;
  } catch {
    return -1;
  }
}
