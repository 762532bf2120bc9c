/**
 * Streaming: 200,000 generated decisions (made on the fly, never in memory) exported as JSON and as CSV.
 * The heap retained after a garbage collection, sampled every 25,000 decisions, stays flat while the
 * output grows to hundreds of megabytes: memory does not follow the number of decisions. Bounds are
 * loose; there are no timing assertions.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { buildReport, renderReport, writeChunks } from '../../../functions/reports/generate-report.ts';
import type { ReportFormat, ReportType } from '../../../functions/reports/report-model.ts';
import { generatedDecisions, locate, NOW } from './fixtures.ts';
import { CountingSink } from './tools.ts';

const N = 200_000;
const MiB = 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const retained = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

async function exportMeasured(type: ReportType, format: ReportFormat) {
  const samples: { done: number; heap: number }[] = [];
  const baseline = retained();
  const doc = await buildReport(
    type,
    format,
    {},
    {
      decisions: generatedDecisions(N),
      exceptions: async () => [],
      locate,
      now: NOW,
      onProgress: (p) => {
        if (p.phase === 'writing' && p.done % 10_000 === 0)
          samples.push({ done: p.done, heap: process.memoryUsage().heapUsed });
      },
    },
  );
  const sink = new CountingSink();
  const written = await writeChunks(renderReport(doc), sink);
  const peak = Math.max(...samples.map((s) => s.heap));
  const quarter = samples.find((s) => s.done >= N / 4)?.heap ?? baseline;
  const last = samples.at(-1)?.heap ?? baseline;
  return {
    bytes: written.bytes,
    peakGrowth: peak - baseline,
    lateGrowth: last - quarter,
    samples: samples.length,
  };
}

describe('streaming exports', () => {
  it.each([
    ['period-summary', 'json'],
    ['period-summary', 'csv'],
  ] as const)(
    '%s as %s: 200k decisions in bounded memory',
    async (type, format) => {
      const m = await exportMeasured(type, format);
      expect(m.samples).toBeGreaterThan(10);
      expect(m.bytes).toBeGreaterThan(format === 'json' ? 150 * MiB : 60 * MiB);
      // Holding the output (or the decisions) would grow the heap by at least the output size.
      expect(m.peakGrowth).toBeLessThan(Math.min(m.bytes / 2, 96 * MiB));
      expect(m.lateGrowth).toBeLessThan(64 * MiB);
    },
    120_000,
  );
});
