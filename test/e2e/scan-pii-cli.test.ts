/**
 * `verdict scan-pii` as a user runs it: JSON on stdout (and nothing else there), exit 0 whether or not PII
 * is found, exit 2 with a clear message for an unreadable or unsupported file or a bad option, and never
 * a value it found, on stdout or stderr.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PiiScanReport } from '../../functions/gates/pii/scanner.ts';
import { ROOT, runCli } from '../support/cli.ts';

const PARQUET = join(ROOT, 'test/fixtures/pii/customers.parquet');

const dir = mkdtempSync(join(tmpdir(), 'verdict-e2e-scan-pii-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Unlike the other CLI tests this one keeps vitest's environment (quiet logging included), as it always has. */
const scan = (args: string[]) =>
  runCli(['scan-pii', ...args], { cwd: dir, env: process.env, maxBuffer: 64 * 1024 * 1024 });

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const RAW = [
  'ann.lee@gmail.com',
  '4111 1111 1111 1111',
  '078-05-1120',
  '+44 20 7946 0958',
  'GB82WEST12345698765432',
];

const csv = write(
  'customers.csv',
  [
    'id,email,card,ssn,note',
    `1,${RAW[0]},${RAW[1]},${RAW[2]},"call ${RAW[3]}"`,
    `2,bob@example.com,1234567890123456,000-12-3456,pays to ${RAW[4]}`,
  ].join('\n'),
);
const jsonl = write(
  'events.jsonl',
  `{"user":{"email":"${RAW[0]}"}}\n{"ip":"81.2.69.160"}\nnot json ${RAW[2]}\n`,
);
const text = write('notes.txt', `nothing here\nSSN ${RAW[2]}\n`);
const clean = write(
  'clean.csv',
  'id,version,created\n1,1.2.3,2024-01-15T12:30:45Z\n2,v10.0.0.1,1705321845123\n',
);

describe('verdict scan-pii', () => {
  it('prints findings, a summary and what was scanned for CSV, JSONL, text and Parquet, and exits 0', async () => {
    const run = await scan([csv, jsonl, text, PARQUET]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as PiiScanReport;
    expect(Object.keys(report)).toEqual(['findings', 'summary', 'scanned', 'omittedFindings']);
    expect(
      report.findings.filter((f) => f.file === csv).map((f) => [f.entity, f.row, f.column, f.preview]),
    ).toEqual([
      ['EMAIL_ADDRESS', 1, 'email', '***.***@*****.***'],
      ['CREDIT_CARD', 1, 'card', '4111********1111'],
      ['US_SSN', 1, 'ssn', '***-**-****'],
      ['PHONE_NUMBER', 1, 'note', '+** ** **** ****'],
      ['IBAN_CODE', 2, 'note', '**********************'],
    ]);
    expect(report.findings[0]).toEqual({
      entity: 'EMAIL_ADDRESS',
      file: csv,
      row: 1,
      column: 'email',
      start: 0,
      end: 17,
      preview: '***.***@*****.***',
      score: 1,
      byteOffset: 'id,email,card,ssn,note\n'.length,
    });
    expect(report.summary).toEqual({
      EMAIL_ADDRESS: 6,
      CREDIT_CARD: 4,
      US_SSN: 6,
      PHONE_NUMBER: 7,
      IBAN_CODE: 1,
      IP_ADDRESS: 1,
    });
    expect(report.scanned.map((s) => [s.file, s.format, s.sampled, s.rows])).toEqual([
      [csv, 'csv', false, 2],
      [jsonl, 'jsonl', false, 3],
      [text, 'text', false, 2],
      [PARQUET, 'parquet', false, 6],
    ]);
    for (const value of RAW) expect(run.stdout).not.toContain(value);
  });

  it('exits 0 with no findings for a file without PII', async () => {
    const run = await scan([clean]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ findings: [], summary: {}, omittedFindings: 0 });
  });

  it('samples above --sample-bytes and records how', async () => {
    const lines = Array.from(
      { length: 5000 },
      (_, i) => `${i},${i % 100 === 0 ? 'ann@gmail.com' : 'none'},padding padding padding`,
    );
    const big = write('big.csv', `id,email,pad\n${lines.join('\n')}\n`);
    const run = await scan([big, '--sample-bytes', '64KiB', '--max-findings', '2']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as PiiScanReport;
    expect(report.findings).toHaveLength(2);
    expect(report.omittedFindings).toBe((report.summary.EMAIL_ADDRESS ?? 0) - 2);
    expect(report.scanned[0]).toMatchObject({
      sampled: true,
      method: expect.stringMatching(/^head 32768 bytes/),
    });
    expect(report.scanned[0]?.bytesScanned).toBeLessThan(report.scanned[0]?.totalBytes ?? 0);
    expect(report.scanned[0]?.sampleRows).toBe(report.scanned[0]?.rows);
  });

  it('reads national phone numbers with --region', async () => {
    const phones = write('phones.csv', 'name,phone\nAnn,020 7946 0958\n');
    const without = JSON.parse((await scan([phones])).stdout) as PiiScanReport;
    const withRegion = JSON.parse((await scan([phones, '--region', 'gb'])).stdout) as PiiScanReport;
    expect(without.summary).toEqual({});
    expect(withRegion.summary).toEqual({ PHONE_NUMBER: 1 });
  });

  it('exits 2 naming each file it cannot read or does not support, and prints nothing on stdout', async () => {
    const xlsx = join(dir, 'book.xlsx');
    copyFileSync(csv, xlsx);
    const run = await scan([csv, join(dir, 'missing.csv'), xlsx, dir]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        'verdict: cannot scan 3 files',
        `  - ${join(dir, 'missing.csv')}: cannot be read (ENOENT)`,
        `  - ${xlsx}: unsupported file type: expected .csv, .tsv, .jsonl/.ndjson, .parquet or .txt/.log (compressed files are not read)`,
        `  - ${dir}: not a regular file`,
        '',
      ].join('\n'),
    );
  });

  it('exits 2 for a corrupt Parquet file without quoting its content', async () => {
    const corrupt = write('broken.parquet', `PAR1 ${RAW[0]} ${RAW[2]} PAR1`);
    const run = await scan([corrupt]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^verdict: cannot scan .*broken\.parquet\n {2}- not a readable Parquet file/);
    for (const value of RAW) expect(run.stderr).not.toContain(value);
  });

  it('exits 2 for bad options, listing each', async () => {
    const run = await scan([
      csv,
      '--max-findings',
      '-1',
      '--sample-bytes',
      'lots',
      '--region',
      'XX',
      '--min-score',
      '2',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      [
        'verdict: invalid options',
        '  - --max-findings -1: not a whole number',
        '  - --sample-bytes lots: not a size (e.g. 0, 8388608, 8MiB, 1GiB)',
        '  - --region XX: not a region with phone number metadata (ISO 3166 alpha-2, e.g. GB)',
        '  - --min-score 2: not a number from 0 to 1',
        '',
      ].join('\n'),
    );
  });

  it('documents its exit codes in --help', async () => {
    const run = await scan(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('0 scanned, whether or not PII was found');
    expect(run.stdout).toContain('--region <code>');
  });
});
