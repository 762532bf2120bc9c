import { describe, expect, it } from 'vitest';
import { formatFromContent, formatFromName } from '../../../functions/shared/data-format.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('formatFromName', () => {
  it.each([
    ['rows.csv', { format: 'csv', gzip: false }],
    ['ROWS.CSV', { format: 'csv', gzip: false }],
    ['dir.v2/rows.Tsv', { format: 'tsv', gzip: false }],
    ['rows.tab', { format: 'tsv', gzip: false }],
    ['rows.jsonl', { format: 'jsonl', gzip: false }],
    ['rows.NDJSON', { format: 'jsonl', gzip: false }],
    ['s3://bucket/a/rows.parquet', { format: 'parquet', gzip: false }],
    ['rows.pq', { format: 'parquet', gzip: false }],
    ['app.log', { format: 'text', gzip: false }],
    ['notes.txt', { format: 'text', gzip: false }],
    ['C:\\data\\rows.csv', { format: 'csv', gzip: false }],
    ['rows.csv.gz', { format: 'csv', gzip: true }],
    ['rows.JSONL.GZ', { format: 'jsonl', gzip: true }],
  ])('%s', (name, expected) => {
    expect(formatFromName(name)).toEqual(expected);
  });

  it.each(['rows', 'rows.json', 'rows.xlsx', '.csv', 'dir/.csv', 'rows.gz', 'rows.csv.zip', 'rows.'])(
    '%s says nothing',
    (name) => {
      expect(formatFromName(name)).toBeNull();
    },
  );
});

describe('formatFromContent', () => {
  it('sniffs JSON Lines, TSV and CSV', () => {
    expect(formatFromContent(bytes('\uFEFF  {"a":1}'))).toBe('jsonl');
    expect(formatFromContent(bytes('a\tb\n1\t2'))).toBe('tsv');
    expect(formatFromContent(bytes('a,b\tc\n'))).toBe('csv');
  });

  it('reads the first line whatever its ending, after a byte-order mark', () => {
    expect(formatFromContent(bytes('\uFEFFa\tb\r\n1,2\r\n'))).toBe('tsv');
    expect(formatFromContent(bytes('\r\n\r\n{"a":1}\r\n'))).toBe('jsonl');
    expect(formatFromContent(bytes('a;b\n'))).toBe('csv');
    expect(formatFromContent(bytes(''))).toBe('csv');
  });

  it('knows Parquet by its magic number', () => {
    expect(formatFromContent(bytes('PAR1\u0015\u0004'))).toBe('parquet');
    expect(formatFromContent(bytes('PAR'))).toBe('csv');
  });
});
