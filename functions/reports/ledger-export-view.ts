/**
 * How a ledger export job looks from outside the worker: its view for the API, the name its file is saved
 * under and its media type. Kept apart from the job itself, so that the API loads no archiver.
 */
import type { LedgerExportJob } from '../ports/ledger-export-service.ts';
import type { LedgerExportJobRecord } from '../ports/report-job-store.ts';
import { clientView } from './worker-job.ts';

/** A ledger export is one tar file (functions/ledger/export/export-archive.ts). */
export const LEDGER_EXPORT_CONTENT_TYPE = 'application/x-tar';

/** The name a downloaded export is saved under. */
export function ledgerExportFileName(job: Pick<LedgerExportJob, 'id' | 'treeSize'>): string {
  return `verdict-ledger-${job.treeSize ?? 'export'}-${job.id}.tar`;
}

/** How a client sees a stored export job: one that stopped updating is reported as failed. */
export function viewLedgerExport(record: LedgerExportJobRecord, now: Date): LedgerExportJob {
  return clientView(record, now, 'the export stopped before finishing; start it again');
}
