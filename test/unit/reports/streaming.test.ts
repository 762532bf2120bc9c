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
import { generatedDecisions, locate, NOW } from '../../support/report-fixtures.ts';
import { CountingSink } from './tools.ts';

const N = 200_000;
const EVERY = 25_000;
const MiB = 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** Heap in use after a full collection: what is actually retained. */
function retained(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

async function exportMeasured(type: ReportType, format: ReportFormat) {
  const heaps: number[] = [];
  const baseline = retained();
  const inputs = {
    decisions: generatedDecisions(N),
    exceptions: async () => [],
    locate,
    now: NOW,
    onProgress: (p: { phase: string; done: number }) => {
      if (p.phase === 'writing' && p.done > 0 && p.done % EVERY === 0) heaps.push(retained());
    },
  };
  const doc = await buildReport(type, format, {}, inputs);
  const written = await writeChunks(renderReport(doc), new CountingSink());
  return {
    bytes: written.bytes,
    samples: heaps.length,
    peakGrowth: Math.max(...heaps) - baseline,
    /** From the first sample (25k decisions written) to the last (200k). */
    lateGrowth: (heaps.at(-1) ?? 0) - (heaps[0] ?? 0),
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
      console.log(
        `${type} ${format}: ${(m.bytes / MiB).toFixed(0)} MiB written, retained heap +${(m.peakGrowth / MiB).toFixed(1)} MiB peak, +${(m.lateGrowth / MiB).toFixed(1)} MiB from 25k to 200k`,
      );
      expect(m.samples).toBeGreaterThanOrEqual(N / EVERY);
      expect(m.bytes).toBeGreaterThan(format === 'json' ? 150 * MiB : 60 * MiB);
      // Holding the output (or the decisions) would retain at least the output's size.
      expect(m.peakGrowth).toBeLessThan(16 * MiB);
      expect(m.lateGrowth).toBeLessThan(8 * MiB);
    },
    120_000,
  );
});
