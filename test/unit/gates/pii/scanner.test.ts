import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type ByteSource, fileSource } from '../../../../functions/gates/pii/byte-source.ts';
import { PiiScanError } from '../../../../functions/gates/pii/errors.ts';
import { rowGroupSample, textSamplePlan } from '../../../../functions/gates/pii/sampling.ts';
import { type PiiScanOptions, scanPii } from '../../../../functions/gates/pii/scanner.ts';
import { ibanCheckDigits, luhnCheckDigit } from '../../../../functions/gates/pii/validators.ts';

const PARQUET = fileURLToPath(new URL('../../../fixtures/pii/customers.parquet', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'verdict-pii-scanner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A source over bytes in memory, streamed in chunks of `chunk` bytes (small ones split lines and characters). */
function memorySource(name: string, content: string | Uint8Array, chunk = 1 << 16): ByteSource {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return {
    name,
    size: bytes.byteLength,
    async *stream(start, end) {
      for (let at = start; at < Math.min(end, bytes.byteLength); at += chunk) {
        yield bytes.slice(at, Math.min(end, at + chunk, bytes.byteLength));
      }
    },
    async read(start, end) {
      return bytes.slice(start, Math.min(end, bytes.byteLength));
    },
  };
}

const scanText = (name: string, content: string, options: PiiScanOptions = {}, chunk?: number) =>
  scanPii([memorySource(name, content, chunk)], options);

const brief = (report: Awaited<ReturnType<typeof scanPii>>) =>
  report.findings.map((f) => [f.entity, f.row, f.column, f.preview]);

describe('CSV', () => {
  const csv = [
    'id,name,email,ssn,card,notes',
    '1,Ann Lee,ann.lee@gmail.com,078051120,4111 1111 1111 1111,"call +44 20 7946 0958, after 5pm"',
    '2,Bob,bob@example.com,000-12-3456,1234567890123456,v1.2.3.4',
    '3,Cy,"multi',
    'line: cy@outlook.com",219-09-9999,,',
  ].join('\r\n');

  it('reads the header as columns and hints, numbers data rows from 1, and counts per column', async () => {
    const report = await scanText('people.csv', csv);
    expect(brief(report)).toEqual([
      ['EMAIL_ADDRESS', 1, 'email', '***.***@*****.***'],
      ['US_SSN', 1, 'ssn', '*********'],
      ['CREDIT_CARD', 1, 'card', '4111********1111'],
      ['PHONE_NUMBER', 1, 'notes', '+** ** **** ****'],
      ['EMAIL_ADDRESS', 3, 'email', '**@*******.***'],
      ['US_SSN', 3, 'ssn', '***-**-****'],
    ]);
    expect(report.summary).toEqual({ EMAIL_ADDRESS: 2, US_SSN: 2, CREDIT_CARD: 1, PHONE_NUMBER: 1 });
    expect(report.scanned[0]).toMatchObject({
      format: 'csv',
      rows: 3,
      sampled: false,
      bytesScanned: Buffer.byteLength(csv),
      totalBytes: Buffer.byteLength(csv),
      columns: {
        email: { EMAIL_ADDRESS: 2 },
        ssn: { US_SSN: 2 },
        card: { CREDIT_CARD: 1 },
        notes: { PHONE_NUMBER: 1 },
      },
    });
    expect(report.findings[3]).toMatchObject({ start: 5, end: 21 });
  });

  it('finds the delimiter, reads TSV, and scans the header row as row 0 (a file without a header)', async () => {
    const semicolons = await scanText('a.csv', 'name;mail\nAnn;ann@gmail.com\n');
    expect(brief(semicolons)).toEqual([['EMAIL_ADDRESS', 1, 'mail', '***@*****.***']]);
    const tsv = await scanText('a.tsv', 'name\tnote\nAnn\tssn 078-05-1120, ok\n');
    expect(brief(tsv)).toEqual([['US_SSN', 1, 'note', '***-**-****']]);
    const headerless = await scanText('b.csv', 'ann@gmail.com,+44 20 7946 0958\nbob@gmail.com,x\n');
    expect(brief(headerless).map(([entity, row]) => [entity, row])).toEqual([
      ['EMAIL_ADDRESS', 0],
      ['PHONE_NUMBER', 0],
      ['EMAIL_ADDRESS', 1],
    ]);
  });

  it('gives extra fields a positional column', async () => {
    const report = await scanText('c.csv', 'a,b\n1,2,ann@gmail.com\n');
    expect(brief(report)).toEqual([['EMAIL_ADDRESS', 1, 'column 3', '***@*****.***']]);
    expect(report.findings[0]?.byteOffset).toBe(4);
  });

  it('scans what is not good CSV as text: a quote never closed, a record past the size limit', async () => {
    const unclosed = 'a,b\n1,zed@gmail.com\n2,"never closed ann@gmail.com\n3,bob@gmail.com\n';
    const report = await scanText('q.csv', unclosed);
    // Text lines: start and end are offsets in the line that starts at byteOffset.
    const inLine = (f: { byteOffset?: number; start: number; end: number }) =>
      unclosed.slice((f.byteOffset ?? 0) + f.start, (f.byteOffset ?? 0) + f.end);
    expect(report.findings.map((f) => [f.row, f.column, f.byteOffset])).toEqual([
      [1, 'b', 4],
      [null, null, 20],
      [null, null, 50],
    ]);
    expect(report.findings.slice(1).map(inLine)).toEqual(['ann@gmail.com', 'bob@gmail.com']);
    expect(report.scanned[0]).toMatchObject({ rows: 1, malformedRows: 1, bytesScanned: unclosed.length });

    const long = `a,b\n1,${'x'.repeat(3000)}\n2,bob@gmail.com\n`;
    const oversized = await scanText('o.csv', long, { maxLineBytes: 1024 });
    expect(oversized.summary).toEqual({ EMAIL_ADDRESS: 1 });
    expect(oversized.scanned[0]).toMatchObject({ malformedRows: 1, truncatedRows: 1 });
  });
});

describe('JSONL', () => {
  const jsonl = [
    '{"user":{"email":"x.y@outlook.com","phones":["+1 415 555 0132"]},"order_id":4111111111111111}',
    '',
    '{"card": 4111111111111111, "amount": 12.5, "note": "IBAN DE89 3704 0044 0532 0130 00"}',
    'not json: ssn 078-05-1120',
    '"a bare string with ann@gmail.com"',
  ].join('\n');

  it('walks field paths as columns, numbers lines, and scans lines that are not JSON as text', async () => {
    const report = await scanText('events.jsonl', jsonl);
    expect(brief(report)).toEqual([
      ['EMAIL_ADDRESS', 1, 'user.email', '*.*@*******.***'],
      ['PHONE_NUMBER', 1, 'user.phones[]', '+* *** *** ****'],
      ['CREDIT_CARD', 3, 'card', '4111********1111'],
      ['IBAN_CODE', 3, 'note', '**** **** **** **** **** **'],
      ['US_SSN', 4, null, '***-**-****'],
      ['EMAIL_ADDRESS', 5, null, '***@*****.***'],
    ]);
    expect(report.scanned[0]).toMatchObject({ format: 'jsonl', rows: 5, malformedRows: 1 });
    const lineStarts = jsonl.split('\n').map((_, i, all) =>
      Buffer.byteLength(
        all
          .slice(0, i)
          .map((l) => `${l}\n`)
          .join(''),
      ),
    );
    expect(report.findings.map((f) => f.byteOffset)).toEqual([0, 0, 2, 2, 3, 4].map((i) => lineStarts[i]));
  });
});

describe('text', () => {
  it('numbers lines, locates them by byte offset, and decodes characters split between chunks', async () => {
    const text = 'héllo wörld\r\nSSN: 078-05-1120\r\n€€€ mail ann@gmail.com\nlast line +44 20 7946 0958';
    for (const chunk of [1, 2, 3, 7, 1 << 16]) {
      const report = await scanText('notes.txt', text, {}, chunk);
      // Offsets of lines 2-4 in bytes (é, ö and € take 2 and 3 bytes), of values in characters of the line.
      const line2 = Buffer.byteLength('héllo wörld\r\n');
      const line3 = line2 + Buffer.byteLength('SSN: 078-05-1120\r\n');
      const line4 = line3 + Buffer.byteLength('€€€ mail ann@gmail.com\n');
      expect(report.findings.map((f) => [f.entity, f.row, f.byteOffset, f.start, f.end])).toEqual([
        ['US_SSN', 2, line2, 5, 16],
        ['EMAIL_ADDRESS', 3, line3, 9, 22],
        ['PHONE_NUMBER', 4, line4, 10, 26],
      ]);
      expect(report.scanned[0]).toMatchObject({ rows: 4, bytesScanned: Buffer.byteLength(text) });
    }
  });

  it('scans only the beginning of a line longer than maxLineBytes, and counts it', async () => {
    const long = `SSN 078-05-1120 ${'x'.repeat(5000)} ann@gmail.com\nnext 219-09-9999\n`;
    const report = await scanText('long.log', long, { maxLineBytes: 1024 }, 100);
    expect(report.summary).toEqual({ US_SSN: 2 });
    expect(report.scanned[0]).toMatchObject({
      rows: 2,
      truncatedRows: 1,
      bytesScanned: Buffer.byteLength(long),
    });
  });
});

describe('Parquet (fixture written by test/fixtures/pii/generate_parquet.py)', () => {
  it('reads row groups and the columns that can hold PII, nested ones by path', async () => {
    const report = await scanPii([await fileSource(PARQUET)]);
    expect(report.summary).toEqual({ EMAIL_ADDRESS: 4, PHONE_NUMBER: 6, CREDIT_CARD: 3, US_SSN: 3 });
    expect(report.scanned[0]).toMatchObject({
      format: 'parquet',
      rows: 6,
      sampled: false,
      columns: {
        email: { EMAIL_ADDRESS: 3 },
        phone: { PHONE_NUMBER: 3 },
        card: { CREDIT_CARD: 3 },
        'address.phone': { PHONE_NUMBER: 3 },
        ssn: { US_SSN: 3 },
        'tags[]': { EMAIL_ADDRESS: 1 },
      },
    });
    const total = report.scanned[0]?.totalBytes ?? 0;
    expect(report.scanned[0]?.bytesScanned).toBeLessThanOrEqual(total);
    expect(report.findings.filter((f) => f.entity === 'CREDIT_CARD').map((f) => [f.row, f.preview])).toEqual([
      [1, '4111********1111'],
      [4, '5555********4444'],
      [6, '4012********1881'],
    ]);
  });

  it('samples whole row groups and says which', async () => {
    const report = await scanPii([await fileSource(PARQUET)], { sampleBytes: 1500 });
    expect(report.scanned[0]).toMatchObject({
      sampled: true,
      rows: 2,
      sampleRows: 2,
      method: 'row groups 1 of 3 (the first ones, then evenly spaced), columns that can hold PII only',
    });
    expect(report.findings.every((f) => f.row === 1 || f.row === 2)).toBe(true);
  });

  it('reports a file that is not Parquet as malformed, without quoting it', async () => {
    const fake = memorySource('fake.parquet', 'PAR1 ann@gmail.com 4111111111111111 PAR1');
    const error = await scanPii([fake]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PiiScanError);
    expect((error as PiiScanError).code).toBe('malformed');
    expect((error as PiiScanError).message).not.toMatch(/ann@|4111/);
  });
});

describe('formats and errors', () => {
  it('refuses unsupported and compressed files, and reports missing ones as unreadable', async () => {
    await expect(scanPii([memorySource('data.csv.gz', 'x')])).rejects.toMatchObject({ code: 'unsupported' });
    await expect(scanPii([memorySource('README', 'ann@gmail.com')])).rejects.toMatchObject({
      code: 'unsupported',
    });
    await expect(fileSource(join(dir, 'missing.csv'))).rejects.toMatchObject({
      code: 'unreadable',
      message: `${join(dir, 'missing.csv')}: cannot be read (ENOENT)`,
    });
    await expect(fileSource(dir)).rejects.toMatchObject({ code: 'unreadable' });
  });

  it('recognises Parquet by its magic bytes whatever its name', async () => {
    const path = join(dir, 'customers.bin');
    writeFileSync(path, readFileSync(PARQUET));
    const report = await scanPii([await fileSource(path)]);
    expect(report.scanned[0]?.format).toBe('parquet');
  });
});

describe('limits', () => {
  it('keeps at most maxFindings and counts the rest', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `user${i}@gmail.com`).join('\n');
    const report = await scanText('many.txt', lines, { maxFindings: 3 });
    expect(report.findings).toHaveLength(3);
    expect(report.summary).toEqual({ EMAIL_ADDRESS: 50 });
    expect(report.omittedFindings).toBe(47);
    expect(report.scanned[0]?.findings).toBe(50);
  });

  it('counts at most maxColumns distinct columns, the rest together', async () => {
    const lines = Array.from({ length: 5 }, (_, i) =>
      JSON.stringify({ [`mail${i}`]: `u${i}@gmail.com` }),
    ).join('\n');
    const report = await scanText('wide.jsonl', lines, { maxColumns: 2 });
    expect(report.scanned[0]?.columns).toEqual({
      mail0: { EMAIL_ADDRESS: 1 },
      mail1: { EMAIL_ADDRESS: 1 },
      '(other columns)': { EMAIL_ADDRESS: 3 },
    });
  });
});

describe('sampling', () => {
  /** 20,000 lines of ~60 bytes; every 1000th line holds an SSN. */
  const lines = Array.from({ length: 20_000 }, (_, i) =>
    i % 1000 === 0
      ? `line ${i}: customer SSN 123-45-${String(1000 + i / 1000).padStart(4, '0')} noted`
      : `line ${i}: nothing to see here, move along please`,
  );
  const big = `${lines.join('\n')}\n`;

  it('plans a head and evenly spaced windows, the last ending at the end', () => {
    expect(textSamplePlan(1000, 2000)).toBeNull();
    expect(textSamplePlan(1000, 0)).toBeNull();
    const plan = textSamplePlan(100 * 1024 * 1024, 8 * 1024 * 1024);
    expect(plan?.head).toBe(4 * 1024 * 1024);
    expect(plan?.windows).toHaveLength(16);
    expect(plan?.windows.at(-1)?.end).toBe(100 * 1024 * 1024);
    const sizes = new Set(plan?.windows.map((w) => w.end - w.start));
    expect([...sizes]).toEqual([256 * 1024]);
    // Evenly spaced, in order, none overlapping the head or each other.
    const starts = plan?.windows.map((w) => w.start) ?? [];
    expect(starts[0]).toBeGreaterThanOrEqual(4 * 1024 * 1024);
    for (let i = 1; i < starts.length; i++) {
      expect(starts[i]).toBeGreaterThanOrEqual(plan?.windows[i - 1]?.end ?? 0);
    }
  });

  it('picks whole row groups within the budget', () => {
    const groups = Array.from({ length: 10 }, (_, index) => ({ index, bytes: 100 }));
    expect(rowGroupSample(groups, 5000)).toBeNull();
    expect(rowGroupSample(groups, 400)).toEqual([0, 1, 5, 9]);
    expect(rowGroupSample([{ index: 0, bytes: 900 }, ...groups.slice(1)], 400)).toEqual([0]);
  });

  it('scans a deterministic sample of a large file and records it', async () => {
    const options = { sampleBytes: 256 * 1024 };
    const first = await scanText('big.txt', big, options, 4096);
    const again = await scanText('big.txt', big, options, 4096);
    expect(again).toEqual(first);
    const scan = first.scanned[0];
    expect(scan).toMatchObject({ sampled: true, totalBytes: Buffer.byteLength(big) });
    expect(scan?.method).toBe(
      'head 131072 bytes + 2 line-aligned windows of 65536 bytes evenly spaced to the end',
    );
    expect(scan?.bytesScanned).toBeGreaterThan(250 * 1024);
    expect(scan?.bytesScanned).toBeLessThan(260 * 1024);
    expect(scan?.sampleRows).toBe(scan?.rows);
    // Head rows are numbered; window rows are located by byte offset, at the start of a whole line.
    const found = first.findings.map((f) => [f.row, f.byteOffset]);
    expect(found.filter(([row]) => row !== null).length).toBeGreaterThan(0);
    const inWindows = first.findings.filter((f) => f.row === null);
    expect(inWindows.length).toBeGreaterThan(0);
    for (const f of inWindows) {
      const offset = f.byteOffset as number;
      expect(big[offset - 1]).toBe('\n');
      expect(big.slice(offset + f.start, offset + f.end)).toMatch(/^123-45-\d{4}$/);
    }
  });

  it('samples CSV and JSONL too, keeping the header and aligning windows to records', async () => {
    const csv = `id,ssn,note\n${Array.from({ length: 20_000 }, (_, i) => `${i},${i % 500 === 0 ? '123-45-6789' : 'none'},"ordinary text, nothing else"`).join('\n')}\n`;
    const report = await scanText('big.csv', csv, { sampleBytes: 200 * 1024 }, 8192);
    const scan = report.scanned[0];
    expect(scan?.sampled).toBe(true);
    expect(report.findings.every((f) => f.column === 'ssn')).toBe(true);
    const windowed = report.findings.filter((f) => f.row === null);
    expect(windowed.length).toBeGreaterThan(0);
    for (const f of windowed) expect(csv.slice(f.byteOffset).split(',')[1]).toBe('123-45-6789');
    expect(scan?.malformedRows).toBe(0);

    const jsonl = Array.from({ length: 20_000 }, (_, i) =>
      JSON.stringify({ i, email: i % 500 === 0 ? 'ann@gmail.com' : 'none' }),
    ).join('\n');
    const sampledJsonl = await scanText('big.jsonl', jsonl, { sampleBytes: 128 * 1024 });
    expect(sampledJsonl.scanned[0]).toMatchObject({ sampled: true, malformedRows: 0 });
    expect(sampledJsonl.findings.every((f) => f.column === 'email')).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Previews never hold the value: generated PII in generated CSV files.

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const digitString = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
const piiValue = fc.oneof(
  digitString(15).map((rest) => {
    const payload = `4${rest}`;
    return `${payload}${luhnCheckDigit(payload)}`;
  }),
  digitString(18).map((bban) => `DE${ibanCheckDigits('DE', bban)}${bban}`),
  fc
    .tuple(
      fc.integer({ min: 1, max: 665 }),
      fc.integer({ min: 1, max: 99 }),
      fc.integer({ min: 1, max: 9999 }),
    )
    .map(([a, g, s]) => `${pad(a, 3)}-${pad(g, 2)}-${pad(s, 4)}`),
  fc.stringMatching(/^[a-z]{1,8}\.[a-z]{1,8}$/).map((local) => `${local}@gmail.com`),
  fc.integer({ min: 1000, max: 9999 }).map((n) => `+44 20 7946 ${n}`),
  fc
    .tuple(
      fc.integer({ min: 11, max: 99 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 1, max: 254 }),
    )
    .map(([a, b, c, x]) => `${a}.${b}.${c}.${x}`),
);

describe('previews', () => {
  it('property: no preview, and nothing in the report, holds a value found', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(piiValue, { minLength: 1, maxLength: 8 }), async (values) => {
        const csv = `value,note\n${values.map((v) => `${v},"seen ${v} here"`).join('\n')}\n`;
        const report = await scanText('p.csv', csv);
        const output = JSON.stringify(report);
        for (const value of values) expect(output).not.toContain(value);
        for (const f of report.findings) {
          if (f.entity === 'CREDIT_CARD') {
            expect(f.preview).toMatch(/^\d{4}\*+\d{4}$/);
          } else {
            expect(f.preview).not.toMatch(/[\p{L}\p{N}]/u);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
