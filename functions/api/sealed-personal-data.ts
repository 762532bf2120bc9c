/**
 * The API's records of people, sealed before they are stored: who called (access log) and who asked for a
 * report or a ledger export (report jobs) are kept as sealed fields under the person's own key (ports/field-sealer.ts), so
 * `verdict forget` erases them from every store, whatever the store keeps. The access log is read back
 * opened: a forgotten caller reads `erased (<pseudonym>)`.
 */

import type { AccessRecord } from '../contracts/access-record.ts';
import type { Principal } from '../contracts/principal.ts';
import type { AccessLog, AccessRecordPage } from '../ports/access-log.ts';
import type { FieldSealer } from '../ports/field-sealer.ts';
import type { LedgerExportService } from '../ports/ledger-export-service.ts';
import type { ReportRequest, ReportService } from '../ports/report-service.ts';

export function sealedAccessLog(log: AccessLog, sealer: FieldSealer): AccessLog {
  return {
    async record(entry: AccessRecord): Promise<void> {
      const sealed: AccessRecord = { ...entry };
      if (entry.principal) sealed.principal = await sealPrincipal(entry.principal, sealer);
      if (entry.caller !== undefined) sealed.caller = await sealer.sealField(entry.caller);
      await log.record(sealed);
    },
    async list(options): Promise<AccessRecordPage> {
      const page = await log.list(options);
      const ids = await sealer.openFields(page.records.map((r) => r.principal?.id ?? r.caller ?? ''));
      const records = page.records.map((record, i) => {
        const id = ids[i] as string;
        if (record.principal) return { ...record, principal: { ...record.principal, id } };
        return record.caller === undefined ? record : { ...record, caller: id };
      });
      return { ...page, records };
    },
  };
}

/** The report service with the requester sealed before the job is recorded. */
export function sealedReportService(service: ReportService, sealer: FieldSealer): ReportService {
  return {
    start: async (request: ReportRequest, requestedBy: Principal) =>
      service.start(request, await sealPrincipal(requestedBy, sealer)),
    get: (id) => service.get(id),
    downloadUrl: (id, ttlSeconds, part) => service.downloadUrl(id, ttlSeconds, part),
    ...(service.download && { download: service.download.bind(service) }),
  };
}

/** The ledger export service with the requester sealed before the job is recorded. */
export function sealedLedgerExportService(
  service: LedgerExportService,
  sealer: FieldSealer,
): LedgerExportService {
  return {
    start: async (request, requestedBy) => service.start(request, await sealPrincipal(requestedBy, sealer)),
    get: (id) => service.get(id),
    downloadUrl: (id, ttlSeconds) => service.downloadUrl(id, ttlSeconds),
  };
}

async function sealPrincipal(principal: Principal, sealer: FieldSealer): Promise<Principal> {
  return { ...principal, id: await sealer.sealField(principal.id) };
}
