/**
 * `verdict ledger verify TARGET`: TARGET is an export folder, or one file holding it (the tar, or tar.gz,
 * that `POST /ledger/exports` gives). A file is unpacked into a private temporary folder (0700), verified
 * there as a folder would be, and the folder removed; an archive that is not an export fails verification.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExportArchiveError, unpackExport } from './export-archive.ts';
import { type VerifyOptions, type VerifyReport, verifyExport } from './verify-export.ts';

export async function verifyExportAt(target: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  if (fs.statSync(target).isDirectory()) return verifyExport(target, options);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-verify-'));
  try {
    await unpackExport(target, dir);
    return verifyExport(dir, options);
  } catch (error) {
    if (!(error instanceof ExportArchiveError)) throw error;
    const problem = { code: 'archive.malformed', message: `${target}: ${error.message}` };
    return { ok: false, entries: 0, checkpoints: 0, problems: [problem], warnings: [] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
