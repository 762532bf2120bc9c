/**
 * Report exports: a period summary of 1,000,000 generated decisions written as CSV and as JSON, each in a
 * child process for its time and peak RSS, against baselines in the same run on the same generated
 * decisions: JSON.stringify per line (NDJSON) for JSON, and writing the same number of bytes with no
 * formatting at all for CSV; plus the generator alone. Then the time to build an Annex IV PDF for a model
 * with 1,000 decisions (in process, median of a few runs).
 *
 * The report reads the decisions twice (a bounded summary, then the streamed records), so the report's
 * figures include generating every decision twice; the baselines generate them once. No ledger lookups
 * (entry index per decision) are made: those depend on the store, not on the report.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Decision, Outcome } from '../functions/contracts/decision.ts';
import { buildReport, renderReport, writeChunks } from '../functions/reports/generate-report.ts';
import { CV_RANKER_V2, decision, generatedDecisions, NOW } from '../test/support/report-fixtures.ts';
import { isMain, REPO_ROOT, table, writeResult } from './support.ts';

export const PARAMS = {
  /** Decisions exported (VERDICT_BENCH_REPORT_DECISIONS overrides, for a quick run). */
  decisions: Number(process.env.VERDICT_BENCH_REPORT_DECISIONS ?? 1_000_000),
  annexIvDecisions: 1000,
  annexIvRuns: 5,
};

type Mode = 'report-json' | 'report-csv' | 'baseline-json' | 'baseline-csv' | 'generate';

interface ChildResult {
  mode: Mode;
  seconds: number;
  bytes: number;
  maxRssMiB: number;
}

const CHUNK = 64 * 1024;

async function write(out: Writable, chunk: string | Buffer): Promise<void> {
  if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
}

async function end(out: Writable): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

/** Runs one mode in this process and prints its result (the child side). */
async function child(mode: Mode, n: number, file: string, targetBytes: number): Promise<void> {
  const t0 = process.hrtime.bigint();
  let bytes = 0;
  if (mode === 'report-json' || mode === 'report-csv') {
    const doc = await buildReport(
      'period-summary',
      mode === 'report-json' ? 'json' : 'csv',
      {},
      {
        decisions: generatedDecisions(n),
        exceptions: async () => [],
        now: NOW,
      },
    );
    bytes = (await writeChunks(renderReport(doc), createWriteStream(file))).bytes;
  } else if (mode === 'baseline-json') {
    const out = createWriteStream(file);
    let buffer = '';
    for await (const d of generatedDecisions(n)) {
      buffer += `${JSON.stringify(d)}\n`;
      if (buffer.length >= CHUNK) {
        bytes += Buffer.byteLength(buffer);
        await write(out, buffer);
        buffer = '';
      }
    }
    bytes += Buffer.byteLength(buffer);
    await write(out, buffer);
    await end(out);
  } else if (mode === 'baseline-csv') {
    // The decisions are generated, the bytes written, nothing formatted.
    const out = createWriteStream(file);
    const filler = Buffer.alloc(CHUNK, 0x61);
    const perDecision = targetBytes / n;
    let owed = 0;
    for await (const _ of generatedDecisions(n)) {
      owed += perDecision;
      if (owed >= CHUNK) {
        owed -= CHUNK;
        bytes += CHUNK;
        await write(out, filler);
      }
    }
    const rest = targetBytes - bytes;
    if (rest > 0) await write(out, filler.subarray(0, rest));
    bytes += Math.max(0, rest);
    await end(out);
  } else {
    for await (const _ of generatedDecisions(n)) bytes++;
    bytes = 0;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const result: ChildResult = { mode, seconds, bytes, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function inChild(mode: Mode, n: number, file: string, targetBytes = 0): ChildResult {
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(REPO_ROOT, 'bench/reports.ts'),
      '--child',
      mode,
      String(n),
      file,
      String(targetBytes),
    ],
    { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.trim().split('\n').at(-1) as string) as ChildResult;
}

/** `n` decisions about one model over 10 versions, a third of them denied with a violation. */
function modelDecisions(n: number): Decision[] {
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  return Array.from({ length: n }, (_, i) => {
    const outcome: Outcome = i % 3 === 0 ? 'deny' : 'allow';
    return decision(
      i,
      'cv-ranker',
      String(1 + Math.floor((10 * i) / n)),
      outcome,
      new Date(start + i * 3_600_000).toISOString(),
      {
        violations:
          outcome === 'deny'
            ? [
                {
                  rule: 'bias.disparate_impact',
                  severity: 'high',
                  message: `disparate impact (DI) for facet gender, value female, is 0.${60 + (i % 19)}: below the minimum 0.8.`,
                  reference: 'DI < 0.8',
                  remediation: 'Mitigate the bias, retrain, re-run the SageMaker Clarify bias analysis.',
                },
              ]
            : [],
      },
    );
  });
}

async function annexIvPdf(): Promise<{ medianMs: number; runsMs: number[]; bytes: number; pages: number }> {
  const decisions = modelDecisions(PARAMS.annexIvDecisions);
  const model = { ...CV_RANKER_V2, version: '10', arn: decisions.at(-1)?.subject.id ?? '' };
  const runsMs: number[] = [];
  let pdf = Buffer.alloc(0);
  for (let run = 0; run < PARAMS.annexIvRuns; run++) {
    const chunks: Buffer[] = [];
    const t0 = process.hrtime.bigint();
    const doc = await buildReport(
      'annex-iv',
      'pdf',
      { model: 'cv-ranker' },
      {
        decisions: {
          async *[Symbol.asyncIterator]() {
            yield* decisions;
          },
        },
        exceptions: async () => [],
        model,
        now: NOW,
      },
    );
    for await (const chunk of renderReport(doc))
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    runsMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    pdf = Buffer.concat(chunks);
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  const pages = (pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? []).length;
  return { medianMs: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN, runsMs, bytes: pdf.length, pages };
}

export async function runReports(): Promise<void> {
  const n = PARAMS.decisions;
  const dir = mkdtempSync(join(tmpdir(), 'verdict-bench-reports-'));
  const r1 = (x: number) => Math.round(x * 10) / 10;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  try {
    const generate = inChild('generate', n, join(dir, 'none'));
    const json = inChild('report-json', n, join(dir, 'report.json'));
    rmSync(join(dir, 'report.json'));
    const ndjson = inChild('baseline-json', n, join(dir, 'baseline.ndjson'));
    rmSync(join(dir, 'baseline.ndjson'));
    const csv = inChild('report-csv', n, join(dir, 'report.csv'));
    rmSync(join(dir, 'report.csv'));
    const raw = inChild('baseline-csv', n, join(dir, 'baseline.csv'), csv.bytes);
    const pdf = await annexIvPdf();

    const row = (name: string, r: ChildResult) => [
      name,
      r.seconds.toFixed(2),
      (r.bytes / 2 ** 20).toFixed(0),
      Math.round(n / r.seconds).toLocaleString('en-US'),
      r.maxRssMiB.toFixed(0),
    ];
    console.log(
      table(
        `report exports: period summary of ${n.toLocaleString('en-US')} generated decisions (each in a child process)`,
        ['run', 's', 'MiB out', 'decisions/s', 'max RSS MiB'],
        [
          row('generate decisions only', generate),
          row('report json', json),
          row('baseline: JSON.stringify per line', ndjson),
          row('report csv', csv),
          row('baseline: same bytes, no formatting', raw),
        ],
      ),
    );
    console.log(
      `json: ${(json.seconds / ndjson.seconds).toFixed(2)}x the NDJSON baseline's time; csv: ${(csv.seconds / raw.seconds).toFixed(2)}x the unformatted baseline's`,
    );
    console.log(
      `annex-iv pdf, ${PARAMS.annexIvDecisions} decisions: median ${pdf.medianMs.toFixed(0)} ms over ${PARAMS.annexIvRuns} runs, ${pdf.pages} pages, ${(pdf.bytes / 1024).toFixed(0)} KiB`,
    );
    const summary = (r: ChildResult) => ({
      seconds: r3(r.seconds),
      bytes: r.bytes,
      decisionsPerSecond: Math.round(n / r.seconds),
      maxRssMiB: r1(r.maxRssMiB),
    });
    const file = writeResult('reports', {
      params: PARAMS,
      note: 'report = two passes over the generated decisions (summary, then records); baselines = one pass. No ledger lookups.',
      generatorOnly: summary(generate),
      exports: {
        json: {
          report: summary(json),
          baseline: { kind: 'JSON.stringify per line (NDJSON)', ...summary(ndjson) },
          timeRatio: r3(json.seconds / ndjson.seconds),
        },
        csv: {
          report: summary(csv),
          baseline: { kind: 'same bytes, no formatting', ...summary(raw) },
          timeRatio: r3(csv.seconds / raw.seconds),
        },
      },
      annexIvPdf: {
        decisions: PARAMS.annexIvDecisions,
        medianMs: r1(pdf.medianMs),
        runsMs: pdf.runsMs.map(r1),
        pages: pdf.pages,
        bytes: pdf.bytes,
      },
    });
    console.log(`wrote ${file}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt !== -1) {
  const [mode, n, file, target] = process.argv.slice(childAt + 1);
  await child(mode as Mode, Number(n), file as string, Number(target ?? 0));
} else if (isMain(import.meta.url)) {
  await runReports();
}
