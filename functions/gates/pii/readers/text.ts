/** Text files (each line a field without a column) and JSONL (each line a JSON value, each leaf a field). */

import { forEachLine } from '../../../shared/lines.ts';
import type { ByteSource } from '../byte-source.ts';
import type { FileScanState } from '../scanner.ts';
import { segmentsFor } from './segments.ts';
import { walkJson } from './walk.ts';

type LineHandler = (text: string, row: number | null, byteOffset: number, truncated: boolean) => void;

async function forEachSampledLine(
  source: ByteSource,
  state: FileScanState,
  sampleBytes: number | undefined,
  handle: LineHandler,
): Promise<void> {
  let lineNumber = 0;
  for (const segment of segmentsFor(source, state, sampleBytes)) {
    await forEachLine(
      source.stream(segment.start, segment.end),
      {
        startOffset: segment.start,
        maxLineBytes: state.maxLineBytes,
        skipPartialFirstLine: segment.skipPartialFirstLine,
        stopAt: segment.stopAt,
      },
      (line) => {
        lineNumber++;
        state.scan.rows++;
        state.scan.bytesScanned += line.bytes;
        if (line.truncated) state.scan.truncatedRows++;
        handle(line.text, segment.numbered ? lineNumber : null, line.byteOffset, line.truncated);
        return true;
      },
    );
  }
}

export async function scanTextLines(
  source: ByteSource,
  state: FileScanState,
  sampleBytes: number | undefined,
): Promise<void> {
  await forEachSampledLine(source, state, sampleBytes, (text, row, byteOffset) => {
    state.field(text, null, row, byteOffset);
  });
}

export async function scanJsonl(
  source: ByteSource,
  state: FileScanState,
  sampleBytes: number | undefined,
): Promise<void> {
  await forEachSampledLine(source, state, sampleBytes, (text, row, byteOffset, truncated) => {
    if (truncated) {
      // Half a JSON document does not parse: its beginning is scanned as text.
      state.field(text, null, row, byteOffset);
      return;
    }
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // Not JSON: still scanned, as text (the parser's message, which quotes the line, is never kept).
      state.scan.malformedRows++;
      state.field(text, null, row, byteOffset);
      return;
    }
    walkJson(value, '', (field, path) =>
      state.field(field, path ? state.column(path) : null, row, byteOffset),
    );
  });
}
