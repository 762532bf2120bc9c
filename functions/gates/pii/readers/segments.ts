/** The byte ranges a line-based reader visits: the whole file, or the head and windows of a sample. */
import type { ByteSource } from '../byte-source.ts';
import { textSamplePlan } from '../sampling.ts';
import type { FileScanState } from '../scanner.ts';

export interface Segment {
  /** First byte to stream (for a window: the byte before it, to see whether it starts a line). */
  start: number;
  /** Byte after the last one to stream: past the window, so its last line can be completed. */
  end: number;
  /** Lines starting at or after this offset are not read. */
  stopAt: number;
  skipPartialFirstLine: boolean;
  /** Rows are numbered (the head, or the whole file); inside a window their number is unknown. */
  numbered: boolean;
}

export function segmentsFor(
  source: ByteSource,
  state: FileScanState,
  sampleBytes: number | undefined,
): Segment[] {
  const size = source.size;
  const plan = textSamplePlan(size, sampleBytes);
  if (!plan) return [{ start: 0, end: size, stopAt: size, skipPartialFirstLine: false, numbered: true }];
  state.sampled(plan.method);
  const margin = state.maxLineBytes + 1;
  return [
    {
      start: 0,
      end: Math.min(size, plan.head + margin),
      stopAt: plan.head,
      skipPartialFirstLine: false,
      numbered: true,
    },
    ...plan.windows.map((w) => ({
      start: w.start - 1,
      end: Math.min(size, w.end + margin),
      stopAt: w.end,
      skipPartialFirstLine: true,
      numbered: false,
    })),
  ];
}
