/**
 * The report worker's other job: a ledger export. It writes the `verdict ledger export` layout of the
 * read-only ledger up to the size asked for (default its newest signed checkpoint) into scratch space,
 * packs it into one tar file while hashing it, stores that write-once in the report archive (Object Lock in
 * AWS) and records the outcome on the job. No manifest is signed: the checkpoints inside vouch for it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { NoLogYetError } from '../ledger/errors.ts';
import { packExport } from '../ledger/export/export-archive.ts';
import { exportLedger } from '../ledger/export/write-export.ts';
import type { LedgerExportJobRecord } from '../ports/report-job-store.ts';
import { LEDGER_EXPORT_CONTENT_TYPE } from './ledger-export-view.ts';
import { archiveKey, type ReportWorkerDeps } from './worker-job.ts';

const NOTHING_SIGNED = 'the ledger holds no signed checkpoint yet: nothing to export';

/** Builds one claimed export job; like a report, a failure fails the job rather than the invocation. */
export async function runLedgerExportJob(
  job: LedgerExportJobRecord,
  deps: ReportWorkerDeps,
): Promise<'done' | 'failed'> {
  const at = () => deps.now().toISOString();
  const scratch = mkdtempSync(join(deps.tmpDir, `verdict-ledger-export-${job.id}-`));
  try {
    if (!deps.openLedger) throw new Error('this deployment exports no ledger');
    const ledger = await deps.openLedger().catch((error: unknown) => {
      throw error instanceof NoLogYetError ? new Error(NOTHING_SIGNED) : error;
    });
    const size = job.request.size ?? (await ledger.latestCheckpoint())?.size;
    if (size === undefined) throw new Error(NOTHING_SIGNED);
    const dir = join(scratch, 'export');
    const summary = await exportLedger(ledger, dir, { size });
    await deps.jobs.update(job.id, { progress: 0.8, updatedAt: at() });
    const file = join(scratch, 'export.tar');
    const { sha256, bytes } = await packExport(dir, file, new Date(job.createdAt));
    const key = archiveKey({ id: job.id, createdAt: job.createdAt, format: 'tar' });
    await deps.archive.put(key, { path: file, sha256, bytes, contentType: LEDGER_EXPORT_CONTENT_TYPE });
    await deps.jobs.update(job.id, {
      status: 'done',
      progress: 1,
      finishedAt: at(),
      treeSize: summary.entries,
      sha256,
      sizeBytes: bytes,
      objectKey: key,
      updatedAt: at(),
    });
    return 'done';
  } catch (error) {
    await deps.jobs.update(job.id, {
      status: 'failed',
      finishedAt: at(),
      error: error instanceof Error ? error.message : String(error),
      updatedAt: at(),
    });
    return 'failed';
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
