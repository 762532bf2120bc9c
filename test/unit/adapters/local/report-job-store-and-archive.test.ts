/**
 * The local report adapters: the SQLite job store claims a job once and keeps what the worker patches;
 * the filesystem archive writes each report once, 0600, next to its manifest and citations, refuses keys
 * that are not archive keys, and its links hold for their key and expiry only.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FilesystemReportArchive } from '../../../../functions/adapters/local/filesystem-report-archive.ts';
import { openDatabase } from '../../../../functions/adapters/local/sqlite-database.ts';
import { SqliteReportJobStore } from '../../../../functions/adapters/local/sqlite-report-job-store.ts';
import { DownloadLinkError } from '../../../../functions/ports/report-archive.ts';
import type { ReportJobRecord } from '../../../../functions/ports/report-job-store.ts';

const AT = '2026-12-01T00:00:00.000Z';
const job = (id: string): ReportJobRecord => ({
  id,
  type: 'period-summary',
  format: 'csv',
  status: 'queued',
  progress: 0,
  createdAt: AT,
  updatedAt: AT,
  request: { type: 'period-summary', format: 'csv' },
  requestedBy: { id: 'sealed', role: 'auditor', via: 'token' },
});

describe('SqliteReportJobStore', () => {
  it('records a job once, claims it once and keeps the patches', async () => {
    const store = new SqliteReportJobStore(openDatabase(':memory:'));
    await store.create(job('j1'));
    await expect(store.create(job('j1'))).rejects.toThrow(/UNIQUE constraint failed/);
    expect(await store.claim('j1', '2026-12-01T00:00:01.000Z')).toBe(true);
    expect(await store.claim('j1', '2026-12-01T00:00:02.000Z')).toBe(false);
    expect(await store.claim('unknown', AT)).toBe(false);
    await store.update('j1', {
      status: 'done',
      progress: 1,
      objectKey: 'reports/2026-12/j1.csv',
      updatedAt: AT,
    });
    expect(await store.get('j1')).toMatchObject({
      status: 'done',
      progress: 1,
      objectKey: 'reports/2026-12/j1.csv',
      requestedBy: { id: 'sealed' },
    });
    expect(await store.get('unknown')).toBeUndefined();
    await expect(store.update('unknown', { updatedAt: AT })).rejects.toThrow('no report job unknown');
  });
});

describe('FilesystemReportArchive', () => {
  const dir = mkdtempSync(join(tmpdir(), 'verdict-report-archive-'));
  let now = new Date(AT);
  const archive = new FilesystemReportArchive({
    dir: join(dir, 'reports'),
    baseUrl: () => 'http://127.0.0.1:8787/',
    now: () => now,
  });
  const report = join(dir, 'report.csv');
  writeFileSync(report, 'a,b\n');
  const citations = join(dir, 'citations');
  writeFileSync(citations, '{"index":0}\n');
  const file = { path: report, sha256: '0'.repeat(64), bytes: 4, contentType: 'text/csv' };

  it('writes report, manifest and citations once, readable by the owner only', async () => {
    await archive.put('reports/2026-12/j1.csv', file, 'manifest\n', citations);
    for (const name of ['j1.csv', 'j1.csv.manifest', 'j1.csv.citations'])
      expect(statSync(join(dir, 'reports', name)).mode & 0o777, name).toBe(0o600);
    expect(readFileSync(join(dir, 'reports', 'j1.csv.manifest'), 'utf8')).toBe('manifest\n');
    await expect(archive.put('reports/2026-12/j1.csv', file, 'other\n')).rejects.toThrow(/written once/);
    expect(readFileSync(join(dir, 'reports', 'j1.csv.manifest'), 'utf8')).toBe('manifest\n');
  });

  it('refuses what is not an archive key, and writes nothing for it', async () => {
    for (const key of ['../escape.csv', 'reports/2026-12/../../x.csv', 'reports/x.csv', '/etc/passwd']) {
      await expect(archive.put(key, file, 'm\n'), key).rejects.toThrow(`not a report archive key: ${key}`);
    }
    expect(() => statSync(join(dir, 'escape.csv'))).toThrow();
  });

  it('opens a report by its own link until it expires', async () => {
    now = new Date(AT);
    const url = new URL((await archive.downloadUrl('reports/2026-12/j1.csv', 60, 'x.csv')) ?? '');
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:8787/reports/j1/download');
    expect(url.searchParams.has('part')).toBe(false);
    const link = {
      expires: Number(url.searchParams.get('expires')),
      token: url.searchParams.get('token') ?? '',
    };
    const opened = await archive.open('reports/2026-12/j1.csv', link);
    expect(Buffer.from(opened.bytes).toString()).toBe('a,b\n');
    expect(opened.contentType).toBe('text/csv; charset=utf-8; header=present');
    await expect(archive.open('reports/2026-12/j2.csv', link)).rejects.toThrow(
      new DownloadLinkError('invalid', 'the download link is not valid'),
    );
    now = new Date(Date.parse(AT) + 61_000);
    await expect(archive.open('reports/2026-12/j1.csv', link)).rejects.toMatchObject({ reason: 'expired' });
  });

  it('links the manifest and the citations the same way, each link opening only its own file', async () => {
    now = new Date(AT);
    const key = 'reports/2026-12/j1.csv';
    const linkOf = async (part: 'report' | 'manifest' | 'citations') => {
      const url = new URL((await archive.downloadUrl(key, 60, 'x.csv', part)) ?? '');
      expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:8787/reports/j1/download');
      expect(url.searchParams.get('part')).toBe(part === 'report' ? null : part);
      return { expires: Number(url.searchParams.get('expires')), token: url.searchParams.get('token') ?? '' };
    };
    const manifest = await archive.open(key, await linkOf('manifest'), 'manifest');
    expect(Buffer.from(manifest.bytes).toString()).toBe('manifest\n');
    expect(manifest.contentType).toBe('text/plain; charset=utf-8');
    const cited = await archive.open(key, await linkOf('citations'), 'citations');
    expect(Buffer.from(cited.bytes).toString()).toBe('{"index":0}\n');
    expect(cited.contentType).toBe('application/x-ndjson');
    // A link is bound to its part: the report's link does not open the manifest, nor the manifest's the report.
    const invalid = new DownloadLinkError('invalid', 'the download link is not valid');
    await expect(archive.open(key, await linkOf('report'), 'manifest')).rejects.toThrow(invalid);
    await expect(archive.open(key, await linkOf('manifest'), 'report')).rejects.toThrow(invalid);
  });

  it('gives no citations link for a report archived without citations', async () => {
    await archive.put('reports/2026-12/j3.csv', file, 'manifest\n');
    expect(await archive.downloadUrl('reports/2026-12/j3.csv', 60, 'x.csv', 'citations')).toBeUndefined();
    expect(await archive.downloadUrl('reports/2026-12/j3.csv', 60, 'x.csv', 'manifest')).toMatch(
      /part=manifest/,
    );
  });
});
