/**
 * What `verdict forget` does to a data directory after the subject's key is destroyed:
 *
 * 1. every SQLite database is rebuilt (`VACUUM`, with `secure_delete` on) and its write-ahead log emptied
 *    (`wal_checkpoint(TRUNCATE)`), so no freed page or old WAL frame keeps what was deleted;
 * 2. every file is searched for the subject id in clear, in lower case, URL-encoded and in base64 (any
 *    alignment, both alphabets). Derived files (report jobs, reports, manifests) that hold it are removed;
 *    a hit anywhere else is reported, and the erasure is not complete.
 *
 * Fields are sealed before they are stored, so the search finds nothing in a directory written by this
 * version; it catches data written before sealing, or by hand. It reads bytes as stored: text inside
 * compressed streams (a PDF's) is not seen, which is why reports only ever show pseudonyms.
 */
import { closeSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { normalizeSubjectId } from '../../ledger/personal-data.ts';
import { openDatabase } from './sqlite-database.ts';

const CHUNK_BYTES = 4 * 1024 * 1024;
/** A shorter id (a customer number `42`) matches unrelated bytes everywhere: it is not searched for. */
export const MIN_SEARCHED_ID_LENGTH = 6;
/** Directories of files derived from the stores, which may be removed (reports are built again on request). */
const DERIVED_DIRS = ['reports'];

export interface LocalErasureResult {
  compacted: string[];
  removed: string[];
  /** Files that still hold the subject id: the erasure is incomplete. */
  remaining: string[];
  /** Databases that could not be rebuilt (another process holds them): the erasure is incomplete. */
  failed: string[];
  /** False when the id is too short to search for (MIN_SEARCHED_ID_LENGTH). */
  searched: boolean;
}

export function eraseLocalTraces(dataDir: string, subjectId: string): LocalErasureResult {
  const relative = (file: string) => path.relative(dataDir, file);
  const compacted: string[] = [];
  const failed: string[] = [];
  for (const file of listFiles(dataDir).filter(isSqliteDatabase)) {
    try {
      compact(file);
      compacted.push(relative(file));
    } catch (error) {
      failed.push(`${relative(file)}: ${(error as Error).message}`);
    }
  }
  const searched = normalizeSubjectId(subjectId).length >= MIN_SEARCHED_ID_LENGTH;
  const needles = plaintextNeedles(subjectId);
  const removed: string[] = [];
  const remaining: string[] = [];
  for (const file of searched ? listFiles(dataDir) : []) {
    if (!fileContains(file, needles)) continue;
    if (DERIVED_DIRS.includes(relative(file).split(path.sep)[0] ?? '')) {
      rmSync(file, { force: true });
      removed.push(relative(file));
    } else remaining.push(relative(file));
  }
  return { compacted, removed, remaining, failed, searched };
}

function isSqliteDatabase(file: string): boolean {
  if (!file.endsWith('.db')) return false;
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(16);
    readSync(fd, header, 0, 16, 0);
    return header.toString('latin1') === 'SQLite format 3\0';
  } finally {
    closeSync(fd);
  }
}

function compact(file: string): void {
  const db = openDatabase(file);
  try {
    db.exec('VACUUM');
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (result?.busy)
      throw new Error(`${file}: another process holds its write-ahead log; stop it and retry`);
  } finally {
    db.close();
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

interface Needles {
  /** Searched in the lower-cased bytes. */
  folded: Buffer[];
  /** Searched as they are (base64 is case-sensitive). */
  exact: Buffer[];
}

/** The byte strings that give away `subjectId`: as written, normalized, URL-encoded, base64 at any offset. */
function plaintextNeedles(subjectId: string): Needles {
  const forms = [...new Set([subjectId, subjectId.trim(), normalizeSubjectId(subjectId)])].filter(Boolean);
  const folded = new Set<string>();
  const exact = new Set<string>();
  for (const form of forms) {
    folded.add(form.toLowerCase());
    folded.add(encodeURIComponent(form).toLowerCase());
    for (const b64 of base64Needles(Buffer.from(form, 'utf8'))) exact.add(b64);
  }
  return {
    folded: [...folded].map((s) => Buffer.from(s, 'utf8')),
    exact: [...exact].filter((s) => s.length >= 8).map((s) => Buffer.from(s, 'utf8')),
  };
}

/** The base64 and base64url characters fully determined by `bytes`, for each of the three alignments. */
function base64Needles(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    const part = encoded.slice(first, end);
    out.push(part, part.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return out;
}

function fileContains(file: string, needles: Needles): boolean {
  const longest = Math.max(...[...needles.folded, ...needles.exact].map((n) => n.length));
  const fd = openSync(file, 'r');
  try {
    const size = statSync(file).size;
    const buffer = Buffer.alloc(Math.min(size, CHUNK_BYTES + longest));
    for (let position = 0; position < size; position += CHUNK_BYTES) {
      const read = readSync(fd, buffer, 0, buffer.length, position);
      const chunk = buffer.subarray(0, read);
      if (needles.exact.some((n) => chunk.includes(n))) return true;
      const lower = Buffer.from(chunk);
      for (let i = 0; i < lower.length; i++) {
        const b = lower[i] as number;
        if (b >= 0x41 && b <= 0x5a) lower[i] = b + 0x20;
      }
      if (needles.folded.some((n) => lower.includes(n))) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}
