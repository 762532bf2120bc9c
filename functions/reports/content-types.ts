/** The media types of report files and of their signed manifests. */
import type { ReportFormat } from '../ports/report-service.ts';

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8; header=present',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

export const MANIFEST_CONTENT_TYPE = 'text/plain; charset=utf-8';
