/**
 * Bias metrics over 10 million streamed rows: a generated CSV (label, prediction, facet) streamed through
 * the counter of `verdict bias --data` (csv-parse, two groups: one sensitive value against every other
 * value) and the exact metrics computed from the counts; rows/s and peak RSS. The baseline, measured in
 * the same run on the same file, is a plain line-by-line streaming read (readline), so the ratio is the
 * price of parsing CSV and counting over just reading the lines.
 *
 * Each measurement runs in its own child process, so that its peak RSS (getrusage maxrss) is its own and
 * not the generator's; the child also samples its RSS during the run, to show it does not grow with the
 * rows read. The generator tallies the confusion counts it writes and the run fails unless the counter
 * finds exactly the same.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ConfusionCounts } from '../functions/gates/bias/metrics.ts';
import { pairMetrics } from '../functions/gates/bias/metrics.ts';
import { countFile } from '../functions/gates/bias/stream-counter.ts';
import { isMain, perSecond, prng, REPO_ROOT, table, writeResult } from './support.ts';

export const PARAMS = {
  rows: 10_000_000,
  seed: 20_261_128,
  facet: {
    column: 'gender',
    sensitive: 'female',
    values: ['female', 'male', 'nonbinary'],
    shares: [0.45, 0.5, 0.05],
  },
  /** P(label = 1) and, per group, P(prediction = 1 | label = 1) and P(prediction = 1 | label = 0). */
  baseRate: 0.3,
  rates: { female: [0.7, 0.08], male: [0.8, 0.1], nonbinary: [0.75, 0.09] } as Record<
    string,
    [number, number]
  >,
  rssSampleMs: 100,
};

type Tally = [number, number, number, number];

/** Writes the CSV, streamed with back-pressure; returns what it wrote, tallied by group (sensitive vs rest). */
async function generate(path: string, rows: number): Promise<Record<'sensitive' | 'reference', Tally>> {
  const random = prng(PARAMS.seed);
  const out = createWriteStream(path);
  const tally = { sensitive: [0, 0, 0, 0] as Tally, reference: [0, 0, 0, 0] as Tally };
  const { values, shares, sensitive } = PARAMS.facet;
  const cumulative = shares.map((_, i) => shares.slice(0, i + 1).reduce((a, b) => a + b, 0));
  out.write(`id,label,prediction,${PARAMS.facet.column},score\n`);
  const batch = 50_000;
  const [share0 = 0, share1 = 0] = cumulative;
  const [v0, v1, v2] = values as [string, string, string];
  for (let start = 0; start < rows; start += batch) {
    let chunk = '';
    for (let id = start; id < Math.min(rows, start + batch); id++) {
      const u = random();
      const g = u < share0 ? v0 : u < share1 ? v1 : v2;
      const y = random() < PARAMS.baseRate ? 1 : 0;
      const [tpr, fpr] = PARAMS.rates[g] as [number, number];
      const p = random() < (y ? tpr : fpr) ? 1 : 0;
      const t = g === sensitive ? tally.sensitive : tally.reference;
      t[y ? (p ? 0 : 2) : p ? 1 : 3]++;
      chunk += `${id},${y},${p},${g},${(random() * 100_000) | 0}\n`;
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return tally;
}

interface ChildResult {
  seconds: number;
  rows: number;
  maxRssMB: number;
  /** RSS sampled during the run: at 10 %, 50 % and 100 % of the elapsed time, and its maximum. */
  rssMB: { at10pct: number; at50pct: number; atEnd: number; max: number };
  counts?: Record<string, Record<keyof ConfusionCounts, string>>;
  DI?: unknown;
}

/** Runs in the child: one measurement, its result as JSON on stdout. */
async function child(mode: 'baseline' | 'counter', path: string): Promise<void> {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(process.memoryUsage.rss()), PARAMS.rssSampleMs);
  const t0 = process.hrtime.bigint();
  let rows = 0;
  let extra: Partial<ChildResult> = {};
  if (mode === 'baseline') {
    for await (const _line of createInterface({
      input: createReadStream(path),
      crlfDelay: Number.POSITIVE_INFINITY,
    }))
      rows++;
    rows--; // the header
  } else {
    const { sensitive, column } = PARAMS.facet;
    const result = await countFile(path, {
      label: 'label',
      prediction: 'prediction',
      facet: column,
      group: (v) => (v === sensitive ? 'sensitive' : 'reference'),
    });
    rows = result.rows;
    const a = result.byGroup.get('reference') as ConfusionCounts;
    const d = result.byGroup.get('sensitive') as ConfusionCounts;
    const metrics = pairMetrics(a, d);
    const str = (c: ConfusionCounts) => ({ TP: `${c.TP}`, FP: `${c.FP}`, FN: `${c.FN}`, TN: `${c.TN}` });
    extra = { counts: { reference: str(a), sensitive: str(d) }, DI: metrics.DI };
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(timer);
  samples.push(process.memoryUsage.rss());
  const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
  const at = (f: number) => mb(samples[Math.min(samples.length - 1, Math.floor(f * samples.length))] ?? 0);
  const out: ChildResult = {
    seconds,
    rows,
    maxRssMB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
    rssMB: { at10pct: at(0.1), at50pct: at(0.5), atEnd: at(1), max: mb(Math.max(...samples)) },
    ...extra,
  };
  process.stdout.write(JSON.stringify(out));
}

function inChild(mode: 'baseline' | 'counter', path: string): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', self, '--child', mode, path], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as ChildResult;
}

export async function runBiasMetrics(rows = PARAMS.rows): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'verdict-bench-bias-'));
  const path = join(work, 'rows.csv');
  try {
    const g0 = process.hrtime.bigint();
    const written = await generate(path, rows);
    const generateSeconds = Number(process.hrtime.bigint() - g0) / 1e9;
    const bytes = statSync(path).size;

    const baseline = inChild('baseline', path);
    const counter = inChild('counter', path);

    const str = ([TP, FP, FN, TN]: Tally) => ({ TP: `${TP}`, FP: `${FP}`, FN: `${FN}`, TN: `${TN}` });
    const expected = { reference: str(written.reference), sensitive: str(written.sensitive) };
    if (
      baseline.rows !== rows ||
      counter.rows !== rows ||
      JSON.stringify(counter.counts) !== JSON.stringify(expected)
    )
      throw new Error(
        `bias-metrics: counted ${JSON.stringify(counter.counts)}, wrote ${JSON.stringify(expected)}`,
      );

    const mbps = (s: number) => Math.round((bytes / 2 ** 20 / s) * 10) / 10;
    const row = (name: string, r: ChildResult) => [
      name,
      r.seconds.toFixed(2),
      perSecond(r.rows / r.seconds),
      mbps(r.seconds).toFixed(1),
      r.maxRssMB.toFixed(1),
      `${r.rssMB.at10pct} / ${r.rssMB.at50pct} / ${r.rssMB.atEnd}`,
    ];
    const ratio = Math.round((counter.seconds / baseline.seconds) * 100) / 100;
    console.log(
      table(
        `bias metrics over ${rows.toLocaleString('en-US')} streamed CSV rows (${(bytes / 2 ** 20).toFixed(0)} MiB, generated in ${generateSeconds.toFixed(1)} s)`,
        ['', 's', 'rows/s', 'MiB/s', 'peak RSS MiB', 'RSS at 10/50/100 % MiB'],
        [
          row('verdict bias counter (csv-parse) + exact metrics', counter),
          row('baseline: readline, line by line', baseline),
        ],
      ),
    );
    console.log(
      `counter/baseline time ratio ${ratio}; DI ${JSON.stringify(counter.DI)}; counts match the generator`,
    );
    const file = writeResult('bias-metrics', {
      parameters: { ...PARAMS, rows },
      file: { bytes, format: 'csv', columns: ['id', 'label', 'prediction', PARAMS.facet.column, 'score'] },
      generateSeconds: Math.round(generateSeconds * 100) / 100,
      counter: {
        what: 'countFile (csv-parse streaming, sensitive value vs every other value) + pairMetrics (exact)',
        seconds: Math.round(counter.seconds * 1000) / 1000,
        rowsPerSecond: Math.round(rows / counter.seconds),
        mibPerSecond: mbps(counter.seconds),
        maxRssMB: counter.maxRssMB,
        rssMB: counter.rssMB,
        counts: counter.counts,
        DI: counter.DI,
      },
      baseline: {
        what: 'readline over fs.createReadStream, counting lines',
        seconds: Math.round(baseline.seconds * 1000) / 1000,
        rowsPerSecond: Math.round(rows / baseline.seconds),
        mibPerSecond: mbps(baseline.seconds),
        maxRssMB: baseline.maxRssMB,
        rssMB: baseline.rssMB,
      },
      ratioCounterOverBaseline: ratio,
      countsMatchGenerator: true,
    });
    console.log(`wrote ${file}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt !== -1) {
  await child(process.argv[childAt + 1] as 'baseline' | 'counter', process.argv[childAt + 2] as string);
} else if (isMain(import.meta.url)) {
  const rowsArg = process.argv.find((a) => a.startsWith('--rows='));
  await runBiasMetrics(rowsArg ? Number(rowsArg.slice('--rows='.length)) : undefined);
}
