/**
 * `verdict report`: build a compliance report from the local stores, with a progress bar on stderr, and
 * `verdict report verify FILE`: check a report against its signed manifest (`FILE.manifest`), and with
 * `--ledger DIR` every decision it cites (`FILE.citations`) against a ledger export.
 *
 * Exit codes: 0 ok; 3 verify found the report, its manifest or its citations not holding (the message says
 * what), or the build refused decisions the read model serves unlike the ledger; 5 verify found the
 * manifest signed by a key not trusted (not pinned with --key, not the --data-dir ledger's); 2 bad input or
 * usage; 1 internal error.
 */

import { once } from 'node:events';
import {
  closeSync,
  createWriteStream,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { NoteKeyError, type NoteVerifier, parseVerifierKey } from '../../ledger/core/note-keys.ts';
import { ReadModelDivergenceError } from '../../ports/ledger-reader.ts';
import {
  REPORT_FORMATS,
  REPORT_TYPES,
  type ReportFormat,
  type ReportRequest,
  type ReportType,
} from '../../ports/report-service.ts';
import { checkCitations } from '../../reports/check-citations.ts';
import { CITATIONS_SUFFIX } from '../../reports/citations.ts';
import { ReportInputError } from '../../reports/errors.ts';
import { generateReport } from '../../reports/generate-report.ts';
import { checkManifest, digestFile, MANIFEST_SUFFIX } from '../../reports/manifest.ts';
import { requestProblems } from '../../reports/report-inputs.ts';
import type { Progress } from '../../reports/report-model.ts';
import { plural } from '../../shared/plural.ts';
import { hasLedger } from '../data-directory.ts';
import type { LocalReportContext } from '../local-reports.ts';
import { type LocalRuntime, openLocalRuntimeAt } from '../runtime.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR, requireLedger } from './data-dir.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { collect, flagName, verifierKeyLines } from './options.ts';
import { addStackOptions } from './stack-option.ts';
import type { StackReportOptions } from './stack-report.ts';
import { deployedStack } from './stores.ts';

/** `report verify` exits with this when the report or its manifest does not hold (as `ledger verify`). */
const REPORT_TAMPERED = EXIT.deny;
/** `report verify`: the manifest is intact but signed by a key not among the trusted ones. */
const REPORT_UNTRUSTED = EXIT.untrusted;

interface ReportOptions {
  type?: string;
  format?: string;
  model?: string;
  version?: string;
  from?: string;
  to?: string;
  out?: string;
  dataDir: string;
  progress?: boolean;
  wait?: boolean;
  job?: string;
  stack?: string;
  region?: string;
  profile?: string;
}

/** What `report --stack` does: request a report (or take an earlier job), then wait and copy it. */
function stackReportOptions(options: ReportOptions): StackReportOptions {
  const wait = options.wait !== false;
  if (options.job !== undefined) {
    if (options.type || options.format)
      throw new UsageError('--job waits for an earlier report: --type and --format go without it');
    return { job: options.job, wait, ...(options.out && { out: options.out }) };
  }
  const { request } = parseRequest(options, { outRequired: wait });
  return { request, wait, ...(options.out && { out: options.out }) };
}

export function registerReportCommand(program: Command): void {
  const report = addStackOptions(program.command('report'))
    .description(COMMAND_SUMMARIES.report)
    .option('--type <type>', `report type: ${REPORT_TYPES.join(', ')}`)
    .option('--format <format>', `output format: ${REPORT_FORMATS.join(', ')}`)
    .option('--model <name>', 'model package group (required by model-compliance and annex-iv)')
    .option('--version <version>', 'model version (default: the latest with a decision)')
    .option('--from <time>', 'period start, inclusive (ISO 8601)')
    .option('--to <time>', 'period end, exclusive (ISO 8601)')
    .option('--out <file>', 'where to write the report; its signed manifest goes to FILE.manifest')
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .option('--no-progress', 'no progress output on stderr')
    .option('--no-wait', "with --stack: print the report job's id and return, without waiting for it")
    .option('--job <id>', 'with --stack: wait for this earlier report job and copy its files to --out')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 2 bad input or usage, 1 internal error; `report verify`: 0 ok, 3 tampered, 5 signed by a key not trusted.',
    )
    .action(async (options: ReportOptions) => {
      const stack = await deployedStack(options);
      if (stack) return (await import('./stack-report.ts')).stackReport(stack, stackReportOptions(options));
      if (options.job !== undefined || options.wait === false)
        throw new UsageError('--job and --no-wait go with --stack (a local report is built at once)');
      await buildCommand(options);
    });

  report
    .command('verify')
    .description('check a report against its signed manifest (FILE.manifest) and the ledger verifier key')
    .argument('<file>', 'the report file')
    .option('--manifest <file>', 'the signed manifest (default: FILE.manifest)')
    .option(
      '--key <vkey>',
      'trusted verifier key, or a file of them one per line (repeatable; default: the keys of the ledger in --data-dir)',
      collect,
    )
    .option(
      '--ledger <dir>',
      'a ledger export (`verdict ledger export`): check every decision the report cites against it',
    )
    .option('--citations <file>', 'the citations file (default: FILE.citations)')
    // --data-dir is `report`'s option: commander gives a parent's option to the parent wherever it appears.
    .action(async (file: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals() as VerifyOptions;
      process.exitCode = await verifyCommand(file, options);
    });
}

function parseRequest(
  options: ReportOptions,
  { outRequired = true } = {},
): { request: ReportRequest; out: string } {
  const problems: string[] = [];
  if (!options.type) problems.push(`--type is required (${REPORT_TYPES.join(', ')})`);
  else if (!(REPORT_TYPES as readonly string[]).includes(options.type))
    problems.push(`--type ${options.type}: expected one of ${REPORT_TYPES.join(', ')}`);
  if (!options.format) problems.push(`--format is required (${REPORT_FORMATS.join(', ')})`);
  else if (!(REPORT_FORMATS as readonly string[]).includes(options.format))
    problems.push(`--format ${options.format}: expected one of ${REPORT_FORMATS.join(', ')}`);
  if (!options.out && outRequired) problems.push('--out is required');
  if (problems.length) throw new UsageError('invalid report arguments', problems);
  const request: ReportRequest = {
    type: options.type as ReportType,
    format: options.format as ReportFormat,
    ...(options.model ? { model: options.model } : {}),
    ...(options.version ? { version: options.version } : {}),
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
  };
  if (options.out) {
    const outDir = dirname(resolve(options.out));
    if (!existsSync(outDir)) problems.push(`--out ${options.out}: the directory ${outDir} does not exist`);
    else if (existsSync(options.out) && statSync(options.out).isDirectory())
      problems.push(`--out ${options.out}: is a directory (name the report file)`);
  }
  const more = [...problems, ...requestProblems(request, flagName)];
  if (more.length) throw new UsageError('invalid report arguments', more);
  return { request, out: options.out as string };
}

interface VerifyOptions {
  manifest?: string;
  key?: string[];
  ledger?: string;
  citations?: string;
  dataDir: string;
}

async function buildCommand(options: ReportOptions): Promise<void> {
  const { request, out } = parseRequest(options);
  requireLedger(options.dataDir);
  const runtime = openLocalRuntimeAt(options.dataDir);
  const context = reportContextOf(runtime);
  const partial = `${out}.partial`;
  const citationsPartial = `${out}${CITATIONS_SUFFIX}.partial`;
  const citations = openSync(citationsPartial, 'w', 0o644);
  const bar = options.progress === false ? undefined : new ProgressBar(process.stderr);
  const stream = createWriteStream(partial);
  try {
    const result = await generateReport({
      request,
      sources: context.sources,
      signer: await context.signer(),
      out: stream,
      now: new Date(),
      citations: (line) => writeSync(citations, line),
      ...(bar ? { onProgress: (p: Progress) => bar.update(p) } : {}),
    });
    fsyncSync(citations);
    renameSync(partial, out);
    if (result.manifest.citations) renameSync(citationsPartial, `${out}${CITATIONS_SUFFIX}`);
    writeFileSync(`${out}${MANIFEST_SUFFIX}`, result.manifestNote);
    bar?.finish();
    const m = result.manifest;
    process.stderr.write(
      `verdict: wrote ${out} (${m.type}, ${m.format}, ${plural(m.decisions, 'decision')}, ${plural(m.reportBytes, 'byte')}, sha256 ${m.reportSha256}) and its signed manifest ${out}${MANIFEST_SUFFIX}\n`,
    );
  } catch (error) {
    bar?.finish();
    // The stream may still be opening its file: let it close, then remove what it wrote.
    stream.destroy();
    if (!stream.closed) await once(stream, 'close');
    rmSync(partial, { force: true });
    if (error instanceof ReportInputError) throw new UsageError(error.message);
    if (!(error instanceof ReadModelDivergenceError)) throw error;
    process.stderr.write(`verdict: refusing to build the report: ${error.message}\n`);
    process.exitCode = REPORT_TAMPERED;
  } finally {
    closeSync(citations);
    rmSync(citationsPartial, { force: true });
    await runtime.close();
  }
}

async function verifyCommand(file: string, options: VerifyOptions): Promise<number> {
  const manifestPath = options.manifest ?? `${file}${MANIFEST_SUFFIX}`;
  if (!existsSync(file)) throw new UsageError(`${file}: no such report file`);
  if (!existsSync(manifestPath))
    throw new UsageError(
      `${manifestPath}: no manifest (a report's signed manifest is FILE${MANIFEST_SUFFIX})`,
    );
  if (options.ledger && !existsSync(options.ledger))
    throw new UsageError(`--ledger ${options.ledger}: no such directory`);
  const keys = await trustedKeys(options);
  const verifiers = parseKeys(keys);
  const check = checkManifest(readFileSync(manifestPath, 'utf8'), await digestFile(file), verifiers);
  if (!check.ok && check.untrusted) {
    process.stderr.write(
      `verdict: UNTRUSTED: ${file}: ${check.problem}; pass --key with the signing ledger's verifier key, or --data-dir of that ledger\n`,
    );
    return REPORT_UNTRUSTED;
  }
  if (!check.ok) {
    process.stderr.write(`verdict: TAMPERED: ${file}: ${check.problem}\n`);
    return REPORT_TAMPERED;
  }
  const m = check.manifest;
  process.stdout.write(
    `OK: ${file} is the ${m.type} report (${m.format}) generated at ${m.generatedAt} by ${m.generator.name} ${m.generator.version}\n` +
      `  sha256 ${m.reportSha256}, ${plural(m.reportBytes, 'byte')}, ${plural(m.decisions, 'decision')}\n` +
      `  parameters ${JSON.stringify(m.parameters)}\n` +
      `  ledger checkpoint ${m.checkpoint ? `size ${m.checkpoint.size}, root ${m.checkpoint.root}` : '(none)'}\n` +
      `  manifest signed by ${check.signedBy}\n`,
  );
  if (!options.ledger) return EXIT.ok;
  const cited = checkCitations(m, options.citations ?? `${file}${CITATIONS_SUFFIX}`, options.ledger, keys);
  if (!cited.ok) {
    process.stderr.write(
      `verdict: LEDGER MISMATCH: ${file} against ${options.ledger}:\n${cited.problems.map((p) => `  - ${p}\n`).join('')}`,
    );
    return REPORT_TAMPERED;
  }
  process.stdout.write(
    `  ${plural(cited.checked, 'cited ledger entry', 'cited ledger entries')} match the export in ${options.ledger} (checkpoint size ${m.checkpoint?.size})\n`,
  );
  return EXIT.ok;
}

/** The trusted verifier keys, as vkey lines. */
async function trustedKeys(options: { key?: string[]; dataDir: string }): Promise<string[]> {
  let keys: string[];
  if (options.key?.length) {
    keys = verifierKeyLines(options.key);
  } else {
    if (!hasLedger(options.dataDir))
      throw new UsageError(
        `no ledger at ${options.dataDir} to take the verifier key from: pass --key, or --data-dir of the ledger that signed`,
      );
    const runtime = openLocalRuntimeAt(options.dataDir);
    try {
      const context = reportContextOf(runtime);
      keys = await context.verifierKeys();
      const signer = await context.signer();
      if (!keys.includes(signer.verifierKey)) keys.push(signer.verifierKey);
    } finally {
      await runtime.close();
    }
  }
  return keys;
}

function reportContextOf(runtime: LocalRuntime): LocalReportContext {
  if (!runtime.reportContext) throw new Error('reports need a data directory');
  return runtime.reportContext;
}

function parseKeys(keys: readonly string[]): NoteVerifier[] {
  try {
    return keys.map(parseVerifierKey);
  } catch (error) {
    if (error instanceof NoteKeyError) throw new UsageError(`--key: ${error.message}`);
    throw error;
  }
}

/**
 * Progress on stderr: a bar redrawn in place on a terminal, plain lines (every 10%) otherwise, so logs
 * and CI output stay readable.
 */
class ProgressBar {
  readonly #tty: boolean;
  readonly #started = Date.now();
  #lastDraw = 0;
  #lastStep = -1;
  #phase: Progress['phase'] | undefined;
  #drawn = false;
  #widest = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.#tty = Boolean(stream.isTTY);
  }

  update(p: Progress): void {
    const phaseChanged = p.phase !== this.#phase;
    this.#phase = p.phase;
    if (!this.#tty) {
      if (phaseChanged && p.phase === 'scanning') this.stream.write('report: reading decisions\n');
      if (p.phase === 'writing') {
        if (phaseChanged) this.stream.write(`report: ${plural(p.total ?? 0, 'decision')}; writing\n`);
        const step = p.total ? Math.floor((10 * p.done) / p.total) : 0;
        if (step > this.#lastStep && p.done > 0) {
          this.#lastStep = step;
          this.stream.write(`report: ${step * 10}% (${count(p.done)}/${count(p.total ?? 0)})\n`);
        }
      }
      return;
    }
    const now = Date.now();
    if (!phaseChanged && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    const seconds = ((now - this.#started) / 1000).toFixed(1);
    let line: string;
    if ((p.phase === 'writing' || p.phase === 'done') && p.total !== undefined) {
      const fraction = p.phase === 'done' || p.total === 0 ? 1 : Math.min(1, p.done / p.total);
      const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 50));
      const filled = Math.round(fraction * width);
      line = `report [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${count(p.done)}/${count(p.total)} ${seconds}s`;
    } else line = `report: reading decisions... ${count(p.done)} ${seconds}s`;
    // Spaces, not an erase-line escape, clear what a longer line left: a terminal gets no escape codes.
    this.#widest = Math.max(this.#widest, line.length);
    this.stream.write(`\r${line.padEnd(this.#widest)}`);
    this.#drawn = true;
  }

  finish(): void {
    if (this.#tty && this.#drawn) this.stream.write('\n');
    this.#drawn = false;
  }
}

const count = (n: number) => n.toLocaleString('en-US');
