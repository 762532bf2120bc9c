/**
 * Which bytes of a large file a scan reads. Deterministic: the same size and budget always give the same
 * sample, so a decision can be reproduced. Text-like files (text, CSV, JSONL): the head (half the budget)
 * and evenly spaced windows over the rest, the last one ending at the end of the file; readers align each
 * window to whole lines. Parquet: whole row groups, the first ones and then evenly spaced ones.
 */

export interface ByteWindow {
  start: number;
  end: number;
}

export interface TextSamplePlan {
  head: number;
  windows: ByteWindow[];
  method: string;
}

/** Windows are at least this large (smaller ones would be mostly partial lines). */
const MIN_WINDOW = 64 * 1024;
const MAX_WINDOWS = 16;

/** Null when the whole file fits the budget (or there is no budget): it is read whole. */
export function textSamplePlan(totalBytes: number, sampleBytes: number | undefined): TextSamplePlan | null {
  if (!sampleBytes || sampleBytes <= 0 || totalBytes <= sampleBytes) return null;
  const head = Math.ceil(sampleBytes / 2);
  const rest = sampleBytes - head;
  const count = Math.max(1, Math.min(MAX_WINDOWS, Math.floor(rest / MIN_WINDOW)));
  const windowBytes = Math.floor(rest / count);
  const stride = (totalBytes - head) / count;
  const windows: ByteWindow[] = [];
  for (let i = 0; i < count; i++) {
    const end = head + Math.floor((i + 1) * stride);
    windows.push({ start: Math.max(head, end - windowBytes), end });
  }
  return {
    head,
    windows,
    method: `head ${head} bytes + ${count} line-aligned windows of ${windowBytes} bytes evenly spaced to the end`,
  };
}

export interface RowGroupCost {
  index: number;
  bytes: number;
}

/**
 * The row groups to read: all of them when they fit the budget; otherwise the first ones up to half the
 * budget (at least one), then evenly spaced ones from the rest, the last group included, while the
 * budget lasts.
 */
export function rowGroupSample(
  groups: readonly RowGroupCost[],
  sampleBytes: number | undefined,
): number[] | null {
  const total = groups.reduce((sum, g) => sum + g.bytes, 0);
  if (!sampleBytes || sampleBytes <= 0 || total <= sampleBytes) return null;
  const chosen: number[] = [];
  let spent = 0;
  for (const g of groups) {
    if (chosen.length > 0 && spent + g.bytes > sampleBytes / 2) break;
    chosen.push(g.index);
    spent += g.bytes;
  }
  const rest = groups.slice(chosen.length);
  const average = rest.reduce((sum, g) => sum + g.bytes, 0) / Math.max(1, rest.length);
  const count = Math.min(rest.length, Math.floor((sampleBytes - spent) / Math.max(1, average)));
  for (let i = 0; i < count; i++) {
    const g = rest[Math.floor(((i + 1) * rest.length) / count) - 1];
    if (!g || spent + g.bytes > sampleBytes) continue;
    chosen.push(g.index);
    spent += g.bytes;
  }
  return chosen;
}
