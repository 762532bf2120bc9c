/**
 * CSV (and TSV) through csv-parse, streamed. The first record is the header: its names are the columns
 * (and their hints); its cells are scanned too, as row 0, in case the file has no header.
 *
 * Nothing is left unscanned because it is not good CSV: bytes the parser could not turn into records (a
 * quote never closed swallows the rest of the file; a record longer than maxLineBytes) are read again
 * afterwards and scanned as text lines, without a column. Such records are counted (malformedRows);
 * the parser's messages, which may quote the data, are never passed on.
 */
import { Readable } from 'node:stream';
import { type CsvError, type Options, parse } from 'csv-parse';
import { forEachLine } from '../../../shared/lines.ts';
import type { ByteSource } from '../byte-source.ts';
import { PiiScanError } from '../errors.ts';
import type { ColumnRef, FileScanState } from '../scanner.ts';
import { segmentsFor } from './segments.ts';

const DELIMITERS = [',', ';', '\t', '|'] as const;
/** The parser parses each piece it is given whole: small pieces keep it near where the reader stops. */
const PIECE_BYTES = 64 * 1024;
/** Unparsed byte ranges remembered per segment (adjacent ones merge); past this, they are counted only. */
const MAX_GAPS = 100_000;

/** The delimiter used most often, outside double quotes, in the file's first line. */
async function sniffDelimiter(source: ByteSource): Promise<string> {
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

interface ParsedRecord {
  fields: string[];
  /** Offset of the record's first byte in the parsed stream. */
  start: number;
}

interface ParseResult {
  /** Offset just past the last record read. */
  end: number;
  /** Byte ranges of the stream that are in no record (malformed input), merged, in order. */
  gaps: [number, number][];
  /** Ranges past MAX_GAPS, not kept. */
  droppedGaps: number;
}

/** Calls onRecord per record, in order; onRecord returning false stops the read. */
async function parseRecords(
  chunks: AsyncIterable<Uint8Array>,
  file: string,
  delimiter: string,
  maxRecordBytes: number,
  onRecord: (record: ParsedRecord) => boolean,
  onSkip: () => void,
): Promise<ParseResult> {
  const fed = { bytes: 0 };
  const input = Readable.from(counted(chunks, fed), { objectMode: false });
  const result: ParseResult = { end: 0, gaps: [], droppedGaps: 0 };
  // Parse order, not consumption order: skips and records interleave here exactly as in the input.
  let parsedEnd = 0;
  const gap = (from: number, to: number) => {
    if (to <= from) return;
    const last = result.gaps[result.gaps.length - 1];
    if (last && last[1] === from) last[1] = to;
    else if (result.gaps.length < MAX_GAPS) result.gaps.push([from, to]);
    else result.droppedGaps++;
  };
  const options: Options = {
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_records_with_error: true,
    skip_empty_lines: true,
    max_record_size: maxRecordBytes,
    record_delimiter: ['\r\n', '\n'],
    on_record: (fields: string[], context: { bytes: number }) => {
      const record: ParsedRecord = { fields, start: parsedEnd };
      parsedEnd = context.bytes;
      return record as unknown as string[];
    },
  };
  const parser = parse(options);
  input.on('error', (error) => parser.destroy(error));
  parser.on('skip', () => {
    onSkip();
    const at = parser.info.bytes;
    gap(parsedEnd, at);
    parsedEnd = Math.max(parsedEnd, at);
  });
  input.pipe(parser);
  let stopped = false;
  try {
    for await (const record of parser as AsyncIterable<ParsedRecord>) {
      if (!onRecord(record)) {
        stopped = true;
        result.end = record.start;
        break;
      }
    }
  } catch (error) {
    if (error instanceof PiiScanError) throw error;
    const code = (error as CsvError).code;
    throw new PiiScanError('malformed', file, `not readable as CSV (${code ?? 'read error'})`);
  } finally {
    input.destroy();
    parser.destroy();
  }
  if (!stopped) {
    // A quote never closed, or a record past the size limit, ends the parser's records: everything it was
    // given after its last record is a gap.
    gap(parsedEnd, fed.bytes);
    result.end = fed.bytes;
  }
  // Gaps past where the reader stopped are not part of what it read.
  result.gaps = result.gaps
    .filter(([from]) => from < result.end)
    .map(([from, to]) => [from, Math.min(to, result.end)]);
  return result;
}

/** The stream as it is, counting its bytes. */
async function* counted(chunks: AsyncIterable<Uint8Array>, fed: { bytes: number }) {
  for await (const chunk of chunks) {
    fed.bytes += chunk.byteLength;
    yield chunk;
  }
}

/** The stream in pieces of at most `size` bytes. */
async function* pieces(chunks: AsyncIterable<Uint8Array>, size: number) {
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.byteLength; at += size) {
      yield chunk.subarray(at, Math.min(chunk.byteLength, at + size));
    }
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
  let header: ColumnRef[] | null = null;
  const columnAt = (i: number): ColumnRef => header?.[i] ?? state.column(`column ${i + 1}`);
  let row = 0;

  for (const segment of segmentsFor(source, state, sampleBytes)) {
    const skipped = { bytes: 0 };
    const chunks = segment.skipPartialFirstLine
      ? afterFirstNewline(source.stream(segment.start, segment.end), skipped)
      : source.stream(segment.start, segment.end);
    // Stream offsets become file offsets once the partial line before a window is known (it is, by the
    // time the first record arrives).
    const base = () => segment.start + skipped.bytes;
    const parsed = await parseRecords(
      pieces(chunks, PIECE_BYTES),
      source.name,
      separator,
      state.maxLineBytes,
      ({ fields, start }) => {
        const byteOffset = base() + start;
        if (byteOffset >= segment.stopAt) return false;
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
    const limit = segment.stopAt - base();
    state.scan.bytesScanned += Math.min(parsed.end, limit);
    state.scan.truncatedRows += parsed.droppedGaps;
    for (const [from, to] of parsed.gaps) {
      if (from < limit) await scanGapAsText(source, state, base() + from, base() + Math.min(to, limit));
    }
  }
}

/** Bytes that are in no record, scanned as text lines without a column (their row numbers are unknown). */
async function scanGapAsText(
  source: ByteSource,
  state: FileScanState,
  from: number,
  to: number,
): Promise<void> {
  await forEachLine(
    source.stream(from, to),
    { startOffset: from, maxLineBytes: state.maxLineBytes },
    (line) => {
      if (line.truncated) state.scan.truncatedRows++;
      state.field(line.text, null, null, line.byteOffset);
      return true;
    },
  );
}
