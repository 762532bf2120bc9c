/**
 * PII evidence for the model-registry gate: scans the training data a model package names (one object,
 * CSV, TSV, JSONL, Parquet or text) with a bounded sample, so the gate finishes in seconds whatever the
 * object's size, and reports counts only: the policy needs which categories, how many and where, never
 * the values (nor their masked previews).
 */
import type { CountryCode } from 'libphonenumber-js/max';
import type { ObjectStore } from '../../ports/object-store.ts';
import type { DataFormat } from '../../shared/data-format.ts';
import { objectSource } from './byte-source.ts';
import type { PiiSummary } from './entities.ts';
import { PiiScanError } from './errors.ts';
import { PiiCollector, scanSource } from './scanner.ts';

/** Bytes of training data the gate scans at most (about 0.5 s at the scanner's speed on a Lambda core). */
export const DEFAULT_TRAINING_DATA_SAMPLE_BYTES = 8 * 1024 * 1024;

export interface TrainingDataScanOptions {
  /** Objects larger than this are sampled to about this many bytes (default 8 MiB). */
  sampleBytes?: number;
  /** Region of national phone numbers in the data (ISO 3166 alpha-2). */
  region?: CountryCode;
}

/** What the policy sees as input.evidence.pii. */
export interface PiiEvidence {
  source: string;
  format: DataFormat;
  sampled: boolean;
  bytesScanned: number;
  totalBytes: number;
  rowsScanned: number;
  method?: string;
  /** Entity -> count in what was scanned. */
  summary: PiiSummary;
  /** Column -> entity -> count (text lines have no column). */
  columns: Record<string, PiiSummary>;
}

export type TrainingDataScan =
  | { status: 'scanned'; evidence: PiiEvidence }
  | { status: 'unreadable'; reason: string };

const S3_URI = /^s3:\/\/[^/]+\/.+/;

/**
 * Scans the object at `uri`. `unreadable` when it does not exist, is not an s3:// URI, or is not a
 * readable file of a supported format; other errors (access denied, throttling) are thrown, as for
 * every other governance input.
 */
export async function scanTrainingData(
  uri: string,
  objects: ObjectStore,
  options: TrainingDataScanOptions = {},
): Promise<TrainingDataScan> {
  if (!S3_URI.test(uri)) return { status: 'unreadable', reason: 'not an s3://bucket/key URI' };
  const stat = await objects.stat(uri);
  if (!stat) return { status: 'unreadable', reason: 'no such object' };
  try {
    const scan = await scanSource(
      objectSource(objects, uri, stat.size),
      {
        sampleBytes: options.sampleBytes ?? DEFAULT_TRAINING_DATA_SAMPLE_BYTES,
        region: options.region,
        maxFindings: 0,
      },
      new PiiCollector(0),
    );
    return {
      status: 'scanned',
      evidence: {
        source: uri,
        format: scan.format,
        sampled: scan.sampled,
        bytesScanned: scan.bytesScanned,
        totalBytes: scan.totalBytes,
        rowsScanned: scan.rows,
        ...(scan.method ? { method: scan.method } : {}),
        summary: scan.summary,
        columns: scan.columns,
      },
    };
  } catch (error) {
    if (error instanceof PiiScanError) return { status: 'unreadable', reason: error.detail };
    throw error;
  }
}
