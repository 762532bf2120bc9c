/**
 * How reports are built into the code base: the report ports are declared once, in functions/ports/; the
 * job is built in one place (runReportJob, reached locally and in Lambda through createReportWorkerHandler);
 * and problem details are written by the API's problem module only, never by hand.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
const FILES = sources(join(ROOT, 'functions')).map((path) => ({
  path: relative(ROOT, path),
  text: readFileSync(path, 'utf8'),
}));
const where = (pattern: RegExp) => FILES.filter((f) => pattern.test(f.text)).map((f) => f.path);

describe('reports in the code base', () => {
  it('declares the report ports once, in functions/ports/', () => {
    expect(where(/export (interface|class) ReportJobStore\b/)).toEqual([
      'functions/ports/report-job-store.ts',
    ]);
    expect(where(/export interface ReportArchive\b/)).toEqual(['functions/ports/report-archive.ts']);
    expect(where(/export interface ReportService\b/)).toEqual(['functions/ports/report-service.ts']);
  });

  it('builds a job in one place, and the worker handler is its only caller', () => {
    expect(where(/export async function runReportJob\b/)).toEqual(['functions/reports/report-job.ts']);
    expect(where(/\brunReportJob\(/).filter((p) => p !== 'functions/reports/report-job.ts')).toEqual([
      'functions/reports/create-handler.ts',
    ]);
    expect(where(/\bcreateReportWorkerHandler\(/).sort()).toEqual([
      'functions/local/local-reports.ts',
      'functions/reports/aws-report-worker.ts',
      'functions/reports/create-handler.ts',
    ]);
  });

  it('writes problem+json in the API problem module only', () => {
    expect(where(/problem\+json/)).toEqual(['functions/api/problem.ts']);
  });
});
