/**
 * CSV (and TSV) through csv-parse, streamed. The first record is the header: its names are the columns
 * (and their hints); its cells are scanned too, as row 0, in case the file has no header. Records the
 * parser cannot make sense of are skipped and counted (malformedRows), never quoted.
 */
import { Readable } from 'node:stream';
import { type CsvError, type Info, parse } from 'csv-parse';
import type { ByteSource } from '../byte-source.ts';
import { PiiScanError } from '../errors.ts';
import type { ColumnRef, FileScanState } from '../scanner.ts';
import { segmentsFor } from './segments.ts';

const DELIMITERS = [',', ';', '\t', '|'] as const;
const PIECE_BYTES = 64 * 1024;

/** The delimiter used most often, outside double quotes, in the file's first line. */
export async function sniffDelimiter(source: ByteSource): Promise<string> {
  const head = Buffer.from(await source.read(0, Math.min(source.size, 64 * 1024))).toString('utf8');
  const counts = new Map<string, number>();
  let quoted = false;
  for (const char of head) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === '\n') break;
    else if (!quoted && (DELIMITERS as readonly string[]).includes(char)) {
      counts.set(char, (counts.get(char) ?? 0) + 1);
    }
  }
  let best = ',';
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

interface ParseOptions {
  delimiter: string;
  maxRecordBytes: number;
  /** Track where each record starts (slower): needed to stop at a byte offset and to locate records. */
  offsets: boolean;
}

/**
 * Calls onRecord(fields, offset) per record, offset being where the record starts in the stream (when
 * tracked); onRecord returning false stops. Returns the bytes of the records read (when tracked).
 */
async function parseRecords(
  chunks: AsyncIterable<Uint8Array>,
  file: string,
  options: ParseOptions,
  onRecord: (fields: string[], offset: number | undefined) => boolean,
  onSkip: () => void,
): Promise<number> {
  const input = Readable.from(chunks, { objectMode: false });
  const parser = parse({
    delimiter: options.delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_records_with_error: true,
    skip_empty_lines: true,
    max_record_size: options.maxRecordBytes,
    record_delimiter: ['\r\n', '\n'],
    info: options.offsets,
  });
  input.on('error', (error) => parser.destroy(error));
  parser.on('skip', () => onSkip());
  input.pipe(parser);
  let consumed = 0;
  try {
    if (options.offsets) {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
        if (!onRecord(record, consumed)) break;
        consumed = info.bytes;
      }
    } else {
      for await (const record of parser as AsyncIterable<string[]>) onRecord(record, undefined);
    }
  } catch (error) {
    if (error instanceof PiiScanError) throw error;
    const code = (error as CsvError).code;
    throw new PiiScanError('malformed', file, `not readable as CSV (${code ?? 'read error'})`);
  } finally {
    input.destroy();
    parser.destroy();
  }
  return consumed;
}

/**
 * The stream in pieces of at most `size` bytes. The parser parses each piece it is given whole, so small
 * pieces keep it from parsing far past a sampling window's end before the reader stops it.
 */
async function* pieces(chunks: AsyncIterable<Uint8Array>, size: number) {
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.byteLength; at += size)
      yield chunk.subarray(at, Math.min(chunk.byteLength, at + size));
  }
}

/** The bytes after the first newline of a stream; `skipped.bytes` counts those before it, newline included. */
async function* afterFirstNewline(chunks: AsyncIterable<Uint8Array>, skipped: { bytes: number }) {
  let found = false;
  for await (const chunk of chunks) {
    if (found) {
      yield chunk;
      continue;
    }
    const newline = chunk.indexOf(10);
    if (newline === -1) {
      skipped.bytes += chunk.length;
      continue;
    }
    found = true;
    skipped.bytes += newline + 1;
    if (newline + 1 < chunk.length) yield chunk.subarray(newline + 1);
  }
}

export async function scanCsv(
  source: ByteSource,
  state: FileScanState,
  sampleBytes: number | undefined,
  delimiter?: string,
): Promise<void> {
  const separator = delimiter ?? (await sniffDelimiter(source));
  const segments = segmentsFor(source, state, sampleBytes);
  const sampled = segments.length > 1;
  let header: ColumnRef[] | null = null;
  const columnAt = (i: number): ColumnRef => header?.[i] ?? state.column(`column ${i + 1}`);
  let row = 0;

  for (const segment of segments) {
    const skipped = { bytes: 0 };
    const chunks = segment.skipPartialFirstLine
      ? afterFirstNewline(source.stream(segment.start, segment.end), skipped)
      : source.stream(segment.start, segment.end);
    const bytes = await parseRecords(
      pieces(chunks, PIECE_BYTES),
      source.name,
      { delimiter: separator, maxRecordBytes: state.maxLineBytes, offsets: sampled },
      (fields, offset) => {
        // The partial line before a window's first record is known by the time a record arrives.
        const byteOffset = offset === undefined ? undefined : segment.start + skipped.bytes + offset;
        if (byteOffset !== undefined && byteOffset >= segment.stopAt) return false;
        if (header === null) {
          header = fields.map((name, i) => state.column(name.trim() || `column ${i + 1}`));
          for (let i = 0; i < fields.length; i++)
            state.field(fields[i] as string, columnAt(i), 0, byteOffset);
          return true;
        }
        state.scan.rows++;
        const number = segment.numbered ? ++row : null;
        for (let i = 0; i < fields.length; i++) {
          const value = fields[i] as string;
          if (value.length >= 6) state.field(value, columnAt(i), number, byteOffset);
        }
        return true;
      },
      () => state.scan.malformedRows++,
    );
    state.scan.bytesScanned += sampled ? bytes : source.size;
  }
}
