/**
 * Parquet through hyparquet, one row group at a time (the memory bound is a row group's selected columns,
 * not the file). Only columns that can hold PII are read: strings and plain integers; floating point,
 * boolean, date, time, timestamp and decimal columns are skipped. Nested columns are walked like JSON
 * (`address.phone`, `contacts[].email`). A sample is whole row groups (see rowGroupSample).
 */
import type { AsyncBuffer, FileMetaData, SchemaTree } from 'hyparquet';
import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { ByteSource } from '../byte-source.ts';
import { PiiScanError, safeDetail } from '../errors.ts';
import { rowGroupSample } from '../sampling.ts';
import type { FileScanState } from '../scanner.ts';
import { walkJson } from './walk.ts';

const SKIPPED_LOGICAL = new Set(['DATE', 'TIME', 'TIMESTAMP', 'DECIMAL', 'INTERVAL', 'FLOAT16', 'UUID']);
const SKIPPED_CONVERTED = new Set([
  'DATE',
  'TIME_MILLIS',
  'TIME_MICROS',
  'TIMESTAMP_MILLIS',
  'TIMESTAMP_MICROS',
  'DECIMAL',
  'INTERVAL',
]);

/** Whether a leaf column can hold a value the recognisers read. */
function leafCanHoldPii(node: SchemaTree): boolean {
  const { type, logical_type: logical, converted_type: converted } = node.element;
  if (logical && SKIPPED_LOGICAL.has(logical.type)) return false;
  if (converted && SKIPPED_CONVERTED.has(converted)) return false;
  return type === 'BYTE_ARRAY' || type === 'FIXED_LEN_BYTE_ARRAY' || type === 'INT32' || type === 'INT64';
}

function anyLeaf(node: SchemaTree, test: (leaf: SchemaTree) => boolean): boolean {
  return node.children.length === 0 ? test(node) : node.children.some((child) => anyLeaf(child, test));
}

/** An AsyncBuffer over the source that records the ranges it reads (the footer may be read twice). */
function recordingBuffer(source: ByteSource, ranges: [number, number][]): AsyncBuffer {
  return {
    byteLength: source.size,
    async slice(start: number, end?: number) {
      const bytes = await source.read(start, end ?? source.size);
      ranges.push([start, start + bytes.byteLength]);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}

/** Bytes covered by the union of the ranges. */
function coveredBytes(ranges: [number, number][]): number {
  let total = 0;
  let reach = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (end <= reach) continue;
    total += end - Math.max(start, reach);
    reach = end;
  }
  return total;
}

export async function scanParquet(
  source: ByteSource,
  state: FileScanState,
  sampleBytes: number | undefined,
): Promise<void> {
  const ranges: [number, number][] = [];
  const file = recordingBuffer(source, ranges);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    if (error instanceof PiiScanError) throw error;
    throw new PiiScanError(
      'malformed',
      source.name,
      `not a readable Parquet file (${safeDetail((error as Error).message)})`,
    );
  }
  const schema = parquetSchema(metadata);
  const columns = schema.children.filter((c) => anyLeaf(c, leafCanHoldPii)).map((c) => c.element.name);
  const selected = new Set(columns);
  const groups = metadata.row_groups.map((group, index) => ({
    index,
    rows: Number(group.num_rows),
    bytes: group.columns
      .filter((chunk) => selected.has(chunk.meta_data?.path_in_schema[0] ?? ''))
      .reduce((sum, chunk) => sum + Number(chunk.meta_data?.total_compressed_size ?? 0n), 0),
  }));
  const starts: number[] = [];
  groups.reduce((start, g) => {
    starts.push(start);
    return start + g.rows;
  }, 0);
  const chosen = rowGroupSample(groups, sampleBytes);
  if (chosen) {
    state.sampled(
      `row groups ${chosen.map((i) => i + 1).join(', ')} of ${groups.length} (the first ones, then evenly spaced), ` +
        `columns that can hold PII only`,
    );
  }
  if (columns.length === 0) {
    state.scan.bytesScanned = coveredBytes(ranges);
    return;
  }

  for (const index of chosen ?? groups.map((g) => g.index)) {
    const rowStart = starts[index] as number;
    const rowEnd = rowStart + (groups[index]?.rows ?? 0);
    let rows: Record<string, unknown>[] = [];
    try {
      await parquetRead({
        file,
        metadata,
        columns,
        rowStart,
        rowEnd,
        rowFormat: 'object',
        compressors,
        onComplete: (read) => {
          rows = read;
        },
      });
    } catch (error) {
      if (error instanceof PiiScanError) throw error;
      throw new PiiScanError(
        'malformed',
        source.name,
        `row group ${index + 1} is not readable (${safeDetail((error as Error).message)})`,
      );
    }
    for (let i = 0; i < rows.length; i++) {
      const row = rowStart + i + 1;
      state.scan.rows++;
      walkJson(rows[i], '', (text, path) => state.field(text, path ? state.column(path) : null, row));
    }
    rows = [];
  }
  state.scan.bytesScanned = coveredBytes(ranges);
}
