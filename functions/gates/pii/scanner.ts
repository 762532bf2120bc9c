/**
 * The streaming PII scanner: reads text, CSV, JSONL and Parquet files chunk by chunk (memory bounded by
 * one line, one CSV record or one Parquet row group, never by the file), runs the recognisers on every
 * field, and reports findings with masked previews, counts per entity and per column, and what was read.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { type DataFormat, formatFromContent, formatFromName } from '../../shared/data-format.ts';
import type { ByteSource } from './byte-source.ts';
import type { PiiEntity, PiiFinding, PiiSummary } from './entities.ts';
import { PiiScanError } from './errors.ts';
import { columnHints, type Hints, NO_HINTS } from './hints.ts';
import { scanCsv } from './readers/csv.ts';
import { scanParquet } from './readers/parquet.ts';
import { scanJsonl, scanTextLines } from './readers/text.ts';
import { DEFAULT_MIN_SCORE, recognize } from './recognizers.ts';

export interface PiiScanOptions {
  /** Region of national phone numbers (ISO 3166 alpha-2); without one, only +CC numbers are read. */
  region?: CountryCode | undefined;
  /** Matches scoring below this are dropped (default 0.5). */
  minScore?: number | undefined;
  /** Findings kept in the report (default 1000); counts go on past it. */
  maxFindings?: number | undefined;
  /** Files larger than this are sampled to about this many bytes; 0 or undefined: read whole. */
  sampleBytes?: number | undefined;
  /** Lines and CSV records longer than this are scanned in part (default 8 MiB): the memory bound. */
  maxLineBytes?: number | undefined;
  /** Distinct columns counted per file (default 1000); the rest count under `(other columns)`. */
  maxColumns?: number | undefined;
  /** Read the file as this format instead of deciding from its name. */
  format?: DataFormat | undefined;
}

export const DEFAULT_MAX_FINDINGS = 1000;
export const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;
const DEFAULT_MAX_COLUMNS = 1000;
const OTHER_COLUMNS = '(other columns)';

export interface FileScan {
  file: string;
  format: DataFormat;
  totalBytes: number;
  /** Bytes read and scanned (with a sample: the sample, whole lines included). */
  bytesScanned: number;
  /** Rows (lines, records) scanned. */
  rows: number;
  sampled: boolean;
  /** With a sample: rows in it (equal to rows) and how it was drawn. */
  sampleRows?: number;
  method?: string;
  /** Findings in this file, kept in the report or not. */
  findings: number;
  summary: PiiSummary;
  /** Column -> entity -> count; text lines have no column. */
  columns: Record<string, PiiSummary>;
  /** JSONL lines that are not JSON (scanned as text) and CSV records the parser skipped. */
  malformedRows: number;
  /** Lines or records longer than maxLineBytes, of which only the beginning was scanned. */
  truncatedRows: number;
}

export interface PiiScanReport {
  /** At most maxFindings, in scan order. */
  findings: PiiFinding[];
  summary: PiiSummary;
  scanned: FileScan[];
  /** Findings counted but not kept (past maxFindings). */
  omittedFindings: number;
}

/** Accumulates findings across files: keeps the first maxFindings, counts all. */
export class PiiCollector {
  readonly findings: PiiFinding[] = [];
  readonly summary: PiiSummary = {};
  omitted = 0;
  constructor(readonly maxFindings: number = DEFAULT_MAX_FINDINGS) {}

  add(finding: PiiFinding): void {
    increment(this.summary, finding.entity);
    if (this.findings.length < this.maxFindings) this.findings.push(finding);
    else this.omitted++;
  }
}

function increment(summary: PiiSummary, entity: PiiEntity): void {
  summary[entity] = (summary[entity] ?? 0) + 1;
}

export interface ColumnRef {
  name: string;
  hints: Hints;
}

/** Scan state of one file; the readers call field() for every value. */
export class FileScanState {
  readonly scan: FileScan;
  private readonly columnRefs = new Map<string, ColumnRef>();
  private readonly region: CountryCode | undefined;
  private readonly minScore: number;
  private readonly maxColumns: number;
  readonly maxLineBytes: number;

  constructor(
    source: ByteSource,
    format: DataFormat,
    private readonly collector: PiiCollector,
    options: PiiScanOptions,
  ) {
    this.scan = {
      file: source.name,
      format,
      totalBytes: source.size,
      bytesScanned: 0,
      rows: 0,
      sampled: false,
      findings: 0,
      summary: {},
      columns: {},
      malformedRows: 0,
      truncatedRows: 0,
    };
    this.region = options.region;
    this.minScore = options.minScore ?? DEFAULT_MIN_SCORE;
    this.maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  /** The column's name and hints, computed once per distinct column name. */
  column(name: string): ColumnRef {
    let ref = this.columnRefs.get(name);
    if (!ref) {
      ref = { name, hints: columnHints(name) };
      if (this.columnRefs.size < 10_000) this.columnRefs.set(name, ref);
    }
    return ref;
  }

  field(value: string, column: ColumnRef | null, row: number | null, byteOffset?: number): void {
    if (value.length < 6) return;
    const matches = recognize(value, column?.hints ?? NO_HINTS, {
      region: this.region,
      minScore: this.minScore,
    });
    for (const m of matches) {
      const finding: PiiFinding = {
        entity: m.entity,
        file: this.scan.file,
        row,
        column: column?.name ?? null,
        start: m.start,
        end: m.end,
        preview: m.preview,
        score: m.score,
        ...(byteOffset === undefined ? {} : { byteOffset }),
      };
      this.scan.findings++;
      increment(this.scan.summary, m.entity);
      if (column) increment(this.columnSummary(column.name), m.entity);
      this.collector.add(finding);
    }
  }

  private columnSummary(name: string): PiiSummary {
    const columns = this.scan.columns;
    const existing = columns[name];
    if (existing) return existing;
    const key = Object.keys(columns).length < this.maxColumns ? name : OTHER_COLUMNS;
    columns[key] ??= {};
    return columns[key];
  }

  sampled(method: string): void {
    this.scan.sampled = true;
    this.scan.method = method;
  }
}

/**
 * Its name decides a file's format; without a known extension, only a Parquet file is recognised (by its
 * magic number): text formats are not guessed. Compressed files are not read.
 */
export async function detectFormat(source: ByteSource): Promise<DataFormat> {
  const byName = formatFromName(source.name);
  if (byName && !byName.gzip) return byName.format;
  if (!byName && source.size >= 12 && formatFromContent(await source.read(0, 4)) === 'parquet')
    return 'parquet';
  throw new PiiScanError(
    'unsupported',
    source.name,
    'unsupported file type: expected .csv, .tsv, .jsonl/.ndjson, .parquet or .txt/.log (compressed files are not read)',
  );
}

/** Scans one source into the collector and returns what was read. */
export async function scanSource(
  source: ByteSource,
  options: PiiScanOptions,
  collector: PiiCollector,
): Promise<FileScan> {
  const format = options.format ?? (await detectFormat(source));
  const state = new FileScanState(source, format, collector, options);
  switch (format) {
    case 'text':
      await scanTextLines(source, state, options.sampleBytes);
      break;
    case 'jsonl':
      await scanJsonl(source, state, options.sampleBytes);
      break;
    case 'csv':
    case 'tsv':
      await scanCsv(source, state, options.sampleBytes, format === 'tsv' ? '\t' : undefined);
      break;
    case 'parquet':
      await scanParquet(source, state, options.sampleBytes);
      break;
  }
  // In reading order: what was read, how it was sampled, then what was found.
  const scan = state.scan;
  return {
    file: scan.file,
    format: scan.format,
    totalBytes: scan.totalBytes,
    bytesScanned: scan.bytesScanned,
    rows: scan.rows,
    sampled: scan.sampled,
    ...(scan.sampled ? { sampleRows: scan.rows, method: scan.method } : {}),
    findings: scan.findings,
    summary: scan.summary,
    columns: scan.columns,
    malformedRows: scan.malformedRows,
    truncatedRows: scan.truncatedRows,
  };
}

/** Scans the sources in order into one report. */
export async function scanPii(
  sources: readonly ByteSource[],
  options: PiiScanOptions = {},
): Promise<PiiScanReport> {
  const collector = new PiiCollector(options.maxFindings ?? DEFAULT_MAX_FINDINGS);
  const scanned: FileScan[] = [];
  for (const source of sources) scanned.push(await scanSource(source, options, collector));
  return {
    findings: collector.findings,
    summary: collector.summary,
    scanned,
    omittedFindings: collector.omitted,
  };
}
