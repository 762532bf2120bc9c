/**
 * `verdict scan-pii FILE...`: scans text, CSV, TSV, JSONL and Parquet files for PII and prints
 * `{"findings": [...], "summary": {...}, "scanned": [...], "omittedFindings": n}`. A scanner, not a gate:
 * it exits 0 whether or not it finds PII (the findings are its result); 2 when a file cannot be read or
 * is of an unsupported type, or an option is invalid. Nothing it prints holds a value it found.
 */
import type { Command } from 'commander';
import { type ByteSource, fileSource } from '../../gates/pii/byte-source.ts';
import { PiiScanError } from '../../gates/pii/errors.ts';
import { supportedRegion } from '../../gates/pii/recognizers.ts';
import { DEFAULT_MAX_FINDINGS, detectFormat, type PiiScanOptions, scanPii } from '../../gates/pii/scanner.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { UsageError } from './exit-codes.ts';

interface ScanPiiOptions {
  maxFindings: string;
  sampleBytes: string;
  region?: string;
  minScore: string;
}

/** Files larger than this are sampled unless --sample-bytes says otherwise. */
const DEFAULT_SAMPLE_BYTES = '1GiB';

export function registerScanPiiCommand(program: Command): void {
  program
    .command('scan-pii')
    .description(COMMAND_SUMMARIES['scan-pii'])
    .argument('<files...>', 'files to scan (.txt/.log, .csv, .tsv, .jsonl/.ndjson, .parquet)')
    .option(
      '--max-findings <n>',
      'findings listed at most; the summary counts all',
      String(DEFAULT_MAX_FINDINGS),
    )
    .option(
      '--sample-bytes <size>',
      'files larger than this are sampled to about this many bytes (e.g. 8MiB; 0: read every file whole)',
      DEFAULT_SAMPLE_BYTES,
    )
    .option(
      '--region <code>',
      'region of national phone numbers, e.g. GB (without it, only +CC numbers count)',
    )
    .option('--min-score <score>', 'drop findings scoring below this (0 to 1)', '0.5')
    .addHelpText(
      'after',
      [
        '',
        'Exit codes: 0 scanned, whether or not PII was found (the findings are the result);',
        '2 a file unreadable or of an unsupported type, or a bad option; 1 internal error.',
        'Previews are masked (a card keeps its first and last 4 digits, anything else only its shape):',
        'the output never holds a value found.',
      ].join('\n'),
    )
    .action(async (files: string[], options: ScanPiiOptions) => {
      const scanOptions = parseOptions(options);
      const sources = await openAll(files);
      let report: Awaited<ReturnType<typeof scanPii>>;
      try {
        report = await scanPii(sources, scanOptions);
      } catch (error) {
        if (error instanceof PiiScanError) throw new UsageError(`cannot scan ${error.file}`, [error.detail]);
        throw error;
      }
      const { findings, summary, scanned, omittedFindings } = report;
      process.stdout.write(`${JSON.stringify({ findings, summary, scanned, omittedFindings }, null, 2)}\n`);
    });
}

/** Every file must exist, be readable and of a supported type before any is scanned. */
async function openAll(files: string[]): Promise<ByteSource[]> {
  const problems: string[] = [];
  const sources: ByteSource[] = [];
  for (const file of files) {
    try {
      const source = await fileSource(file);
      await detectFormat(source);
      sources.push(source);
    } catch (error) {
      if (!(error instanceof PiiScanError)) throw error;
      problems.push(`${error.file}: ${error.detail}`);
    }
  }
  if (problems.length > 0) {
    throw new UsageError(
      `cannot scan ${problems.length === 1 ? 'a file' : `${problems.length} files`}`,
      problems,
    );
  }
  return sources;
}

function parseOptions(options: ScanPiiOptions): PiiScanOptions {
  const problems: string[] = [];
  const maxFindings = /^\d+$/.test(options.maxFindings) ? Number(options.maxFindings) : Number.NaN;
  if (!Number.isSafeInteger(maxFindings))
    problems.push(`--max-findings ${options.maxFindings}: not a whole number`);
  const sampleBytes = parseSize(options.sampleBytes);
  if (sampleBytes === null) {
    problems.push(`--sample-bytes ${options.sampleBytes}: not a size (e.g. 0, 8388608, 8MiB, 1GiB)`);
  }
  const region = options.region?.toUpperCase();
  if (region !== undefined && !supportedRegion(region)) {
    problems.push(
      `--region ${options.region}: not a region with phone number metadata (ISO 3166 alpha-2, e.g. GB)`,
    );
  }
  const minScore = Number(options.minScore);
  if (options.minScore.trim() === '' || !(minScore >= 0 && minScore <= 1)) {
    problems.push(`--min-score ${options.minScore}: not a number from 0 to 1`);
  }
  if (problems.length > 0) throw new UsageError('invalid options', problems);
  return {
    maxFindings,
    sampleBytes: sampleBytes ?? 0,
    region: region !== undefined && supportedRegion(region) ? region : undefined,
    minScore,
  };
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
};

/** `8388608`, `8MiB`, `8M` (binary) or `8MB` (decimal) as bytes; null when it is none of these. */
function parseSize(text: string): number | null {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = UNITS[(match?.[2] ?? '').toLowerCase()];
  if (!match || unit === undefined) return null;
  const bytes = Number(match[1]) * unit;
  return Number.isSafeInteger(bytes) ? bytes : null;
}
