/**
 * PDF generation inside a Lambda bundle: the report code bundled the way the stack bundles functions
 * (esbuild, ESM, node22, `module` main field first, the createRequire banner), run by node from another
 * directory. pdfkit reads its standard fonts' metrics from `__dirname + '/data/*.afm'`: the bundle works
 * with PDFKIT_DIRNAME_BANNER and PDFKIT_FONT_FILES copied to `<bundle dir>/data/`, and without them fails
 * with a message that says so.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { PDFKIT_DIRNAME_BANNER, PDFKIT_FONT_FILES } from '../../../functions/reports/formats/pdf-bundling.ts';
import { pdfText } from './tools.ts';

/** As the stack's functions have it (infra: ESM_REQUIRE_BANNER). */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'verdict-pdf-bundle-'));

const ENTRY = `
import { createWriteStream } from 'node:fs';
import { createReportWorkerHandler } from '${ROOT}functions/reports/create-handler.ts';
import { S3ReportArchive } from '${ROOT}functions/adapters/aws/s3-report-archive.ts';
import { DynamoDbReportJobStore } from '${ROOT}functions/adapters/aws/dynamodb-report-job-store.ts';
import { buildReport, renderReport, writeChunks } from '${ROOT}functions/reports/generate-report.ts';
import { CV_RANKER_V2, DECISIONS, fixtureInputs } from '${ROOT}test/support/report-fixtures.ts';
// Keep the worker's dependencies (AWS SDK, Powertools, middy) in the bundle, as in the real function.
globalThis.keep = [createReportWorkerHandler, S3ReportArchive, DynamoDbReportJobStore];
const inputs = await fixtureInputs(DECISIONS.filter((d) => d.subject.group === 'cv-ranker'), CV_RANKER_V2);
const doc = await buildReport('annex-iv', 'pdf', { model: 'cv-ranker' }, inputs);
const written = await writeChunks(renderReport(doc), createWriteStream(process.argv[2]));
console.log(JSON.stringify(written));
`;

async function bundle(name: string, banner: string, fonts: boolean): Promise<string> {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, ENTRY);
  await build({
    entryPoints: [entry],
    outfile: join(dir, 'out', 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    banner: { js: banner },
    nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'silent',
  });
  if (fonts) {
    mkdirSync(join(dir, 'out', 'data'));
    for (const font of PDFKIT_FONT_FILES)
      copyFileSync(join(ROOT, 'node_modules/pdfkit/js/data', font), join(dir, 'out', 'data', font));
  }
  return join(dir, 'out', 'index.mjs');
}

/** Runs the bundle from an unrelated directory, as Lambda would (cwd is not the bundle's). */
function run(bundlePath: string, pdf: string) {
  return spawnSync(process.execPath, [bundlePath, pdf], { cwd: tmpdir(), encoding: 'utf8', timeout: 60_000 });
}

// Each case bundles with esbuild and runs the bundle in a child process: seconds on a busy machine.
describe('PDF in a Lambda bundle', { timeout: 60_000 }, () => {
  let complete: string;
  beforeAll(async () => {
    complete = await bundle('complete', `${ESM_REQUIRE_BANNER} ${PDFKIT_DIRNAME_BANNER}`, true);
  }, 60_000);

  it('renders an Annex IV PDF with the dirname banner and the three AFM files', () => {
    const pdf = join(work, 'complete.pdf');
    const result = run(complete, pdf);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).bytes).toBeGreaterThan(5000);
    expect(pdfText(pdf)).toContain('9. Post-market monitoring system and plan');
  });

  it('fails, naming the files to copy, without the AFM files', async () => {
    const result = run(
      await bundle('no-fonts', `${ESM_REQUIRE_BANNER} ${PDFKIT_DIRNAME_BANNER}`, false),
      join(work, 'x.pdf'),
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('PdfFontsUnavailableError');
    expect(result.stderr).toContain(
      'node_modules/pdfkit/js/data/{Helvetica.afm,Helvetica-Bold.afm,Courier.afm}',
    );
  });

  it('fails, saying __dirname is needed, without the banner', async () => {
    const result = run(await bundle('no-banner', ESM_REQUIRE_BANNER, true), join(work, 'y.pdf'));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(
      /PdfFontsUnavailableError\]?: pdfkit cannot load its standard font metrics \(__dirname is not defined\)/,
    );
  });
});
