/**
 * The reports read as documents: each report type is rendered once as PDF (pdfkit) and once as HTML printed
 * by headless Chromium, and the text poppler extracts from every page is checked for the defects a reader
 * sees: a word broken inside a table cell, a heading or caption alone at the bottom of a page, a contents
 * entry numbered twice, a fractional tick on a count axis, "1 decisions", a profile field by its JSON key.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../../functions/contracts/decision.ts';
import { PROFILE_FIELD_LABELS } from '../../../functions/gates/profile/profile-labels.ts';
import { renderHtml } from '../../../functions/reports/formats/html.ts';
import { renderPdf } from '../../../functions/reports/formats/pdf.ts';
import { buildReport, renderReport, writeChunks } from '../../../functions/reports/generate-report.ts';
import type {
  ModelFacts,
  ReportDocument,
  ReportFormat,
  ReportSection,
  ReportType,
} from '../../../functions/reports/report-model.ts';
import { HARMLESS_PROFILE } from '../../support/profiles.ts';
import { CV_RANKER_V2, DECISIONS, fixtureInputs } from '../../support/report-fixtures.ts';
import { BufferSink, CHROMIUM, requireTool } from './tools.ts';

const dir = mkdtempSync(join(tmpdir(), 'verdict-layout-'));
let browser: BrowserContext;

beforeAll(async () => {
  requireTool('chromium');
  requireTool('pdftotext');
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'verdict-chromium-profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** Text per page, as `pdftotext -layout` lays it out (pages are separated by form feeds). */
function pages(file: string): string[] {
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return text.split('\f').slice(0, -1);
}

async function write(name: string, chunks: AsyncIterable<string | Uint8Array>): Promise<string> {
  const sink = new BufferSink();
  await writeChunks(chunks, sink);
  const file = join(dir, name);
  writeFileSync(file, sink.bytes());
  return file;
}

/** The HTML printed by Chromium (print media, A4), and shown on screen (screen media) as a PDF. */
async function chromiumPdfs(html: string, name: string): Promise<{ print: string; screen: string }> {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
  const print = join(dir, `${name}.print.pdf`);
  await page.pdf({
    path: print,
    format: 'A4',
    margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' },
  });
  await page.emulateMedia({ media: 'screen' });
  const screen = join(dir, `${name}.screen.pdf`);
  await page.pdf({ path: screen, format: 'A4' });
  await page.close();
  return { print, screen };
}

/** The tokens of the HTML source's text: what a rendered word must be, whole. */
function sourceTokens(html: string): { words: Set<string>; identifiers: string[] } {
  const text = html
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<wbr>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  const tokens = text.split(/\s+/).map(bare);
  return {
    words: new Set([...tokens.filter(isWord), 'Figure', 'page', 'pdf']),
    identifiers: [...new Set(tokens.filter((t) => t.length > 2 && !isWord(t)))],
  };
}

const bare = (token: string) => token.replace(/^[("'“‘[]+|[)"'”’\].,;:!?]+$/gu, '');
const isWord = (token: string) => /^[\p{L}]{2,}$/u.test(token);

/**
 * Words on the pages that are neither words of the source nor part of an identifier (which may break
 * anywhere): the pieces of a word broken across lines, such as "appro" and "ver".
 */
function brokenWords(pageTexts: string[], source: ReturnType<typeof sourceTokens>): string[] {
  const broken = new Set<string>();
  for (const text of pageTexts)
    for (const token of text.split(/\s+/).map(bare))
      if (isWord(token) && !source.words.has(token) && !source.identifiers.some((id) => id.includes(token)))
        broken.add(token);
  return [...broken];
}

/** Headings and captions: what must never be the last line of a page. */
function headings(doc: ReportDocument): string[] {
  const out: string[] = ['Evidence'];
  for (const section of doc.sections) {
    out.push(section.heading);
    for (const block of section.blocks) {
      if (block.kind === 'table') out.push(block.caption);
      if (block.kind === 'chart') out.push(block.chart.title, `Figure: ${block.chart.title}`);
      if (block.kind === 'records') out.push(`${block.caption} (${doc.records.total})`);
    }
  }
  return out;
}

const squeeze = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Pages whose last line (the running footer aside) is a heading or caption, or the end of one. */
function pagesEndingWithHeading(pageTexts: string[], titles: string[]): string[] {
  const found: string[] = [];
  pageTexts.slice(0, -1).forEach((text, i) => {
    const lines = text
      .split('\n')
      .map(squeeze)
      .filter((l) => l && !/ - page \d+$/.test(l));
    const last = lines.at(-1) ?? '';
    if (titles.some((t) => squeeze(t) === last || (squeeze(t).endsWith(last) && last.includes(' '))))
      found.push(`page ${i + 1}: "${last}"`);
  });
  return found;
}

interface Rendered {
  doc: ReportDocument;
  /** pdfkit's PDF, Chromium's print of the HTML, Chromium's screen view of the HTML: text per page. */
  pdf: string[];
  print: string[];
  screen: string[];
  words: ReturnType<typeof sourceTokens>;
}

async function render(
  type: ReportType,
  decisions: readonly Decision[],
  model?: ModelFacts,
): Promise<Rendered> {
  const parameters = model ? { model: model.group, version: model.version } : {};
  const build = async (format: ReportFormat) =>
    buildReport(type, format, parameters, await fixtureInputs(decisions, model));
  const doc = await build('pdf');
  const pdf = await write(`${type}.pdf`, renderReport(doc));
  const html = await write(`${type}.html`, renderReport(await build('html')));
  const { print, screen } = await chromiumPdfs(html, type);
  const source = execFileSync('cat', [html], { encoding: 'utf8' });
  return { doc, pdf: pages(pdf), print: pages(print), screen: pages(screen), words: sourceTokens(source) };
}

const reports = new Map<ReportType, Rendered>();
const cvRanker = DECISIONS.filter((d) => d.subject.group === 'cv-ranker');
/** One decision in the period records its evaluation time: the slowest-models table has one model. */
const timed = DECISIONS.map((d, i) => (i === 1 ? { ...d, evaluationMs: 4.25 } : d));
const fullProfile = { ...CV_RANKER_V2, profile: { ...HARMLESS_PROFILE, ...CV_RANKER_V2.profile } };

beforeAll(async () => {
  // One decision about the model: its counts of one are in the singular, its timeline axis has a maximum of 1.
  const oneDecision = cvRanker.filter((d) => d.subject.version === '2' && d.decision === 'deny');
  reports.set('annex-iv', await render('annex-iv', oneDecision, fullProfile));
  reports.set('model-compliance', await render('model-compliance', cvRanker, CV_RANKER_V2));
  reports.set('period-summary', await render('period-summary', timed));
}, 120_000);

const each = ['annex-iv', 'model-compliance', 'period-summary'] as const;
const get = (type: ReportType) => reports.get(type) as Rendered;

describe('reports read as documents', () => {
  it.each(each)('%s: table cells break between words, never inside one', (type) => {
    const r = get(type);
    expect(brokenWords(r.pdf, r.words)).toEqual([]);
    expect(brokenWords(r.print, r.words)).toEqual([]);
  });

  it('breaks a long identifier at its separators or in chunks, keeping all of it', () => {
    const text = get('period-summary').pdf.join('\n');
    // The exception table's subject and timestamps are narrow columns; the characters all stay.
    expect(text).toMatch(/2026-11-05T00:00:(00\.)?\s/);
    expect(text).toContain('jane.doe');
    expect(text).toContain('approver');
  });

  it.each(each)('%s: no page ends with a heading or a caption', (type) => {
    const r = get(type);
    const titles = headings(r.doc);
    expect(pagesEndingWithHeading(r.pdf, titles)).toEqual([]);
    expect(pagesEndingWithHeading(r.print, titles)).toEqual([]);
  });

  it('numbers the Annex IV sections once, in the contents and in the headings', () => {
    const r = get('annex-iv');
    for (const text of [r.pdf, r.print, r.screen].map((p) => squeeze(p.join(' ')))) {
      expect(text).not.toMatch(/\b\d\. \d\. [A-Z]/);
      expect(text).toContain('1. General description of the AI system');
    }
    // The contents are on the screen view: each section once there, once as its heading.
    expect(squeeze(r.screen.join(' ')).match(/9\. Post-market monitoring/g)).toHaveLength(2);
  });

  it('labels count axes with whole numbers', () => {
    const { pdf, print } = get('period-summary');
    const annex = get('annex-iv');
    // Of the Annex IV report, only the timeline (after the bias chart, whose metric axis has fractions).
    const timeline = (p: string[]) => p.join('\n').split('Figure: Decisions over time').at(-1) ?? '';
    for (const text of [pdf.join('\n'), print.join('\n'), timeline(annex.pdf)]) {
      const ticks = text.split('\n').filter((l) => /^\s*-?\d+(\.\d+)?\s*$/.test(l));
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.filter((l) => l.includes('.'))).toEqual([]);
    }
  });

  it.each(each)('%s: a count of one takes the singular', (type) => {
    const r = get(type);
    const lines = [...r.pdf, ...r.print].flatMap((page) => page.split('\n').map(squeeze));
    const plurals =
      /(^|[^\d.,:#-])1 (models|decisions|violations|versions|denials|groups|rules|entries|exceptions|items)\b/;
    expect(lines.filter((l) => plurals.test(l))).toEqual([]);
    if (type === 'annex-iv') expect(lines.join(' ')).toMatch(/1 version, 1 decision/);
  });

  it('ranks the slowest models by their recorded evaluation time', () => {
    const text = squeeze(get('period-summary').pdf.join(' '));
    expect(text).toContain('Slowest models');
    expect(text).toContain('The 1 model with the highest mean policy evaluation time');
    expect(text).toMatch(/retail-credit-\s?scorer 4\.3 4\.3 1/);
  });

  it.each(each)('%s: shows profile fields by their labels, not their keys', (type) => {
    const r = get(type);
    const keys = Object.keys(PROFILE_FIELD_LABELS)
      .map((path) => path.split('.').at(-1) as string)
      .filter((key) => /[A-Z]/.test(key));
    for (const text of [r.pdf, r.print].map((p) => p.join(' ')))
      expect(keys.filter((key) => new RegExp(`\\b${key}\\b`).test(text))).toEqual([]);
    if (type !== 'period-summary') expect(squeeze(r.pdf.join(' '))).toContain('Use case (Annex III area)');
  });

  it('names evidence documents and unreadable inputs by what they are, not by their keys', () => {
    const r = get('model-compliance');
    for (const text of [r.pdf, r.print].map((p) => squeeze(p.join(' ')))) {
      expect(text).toContain('Risk management system (Art. 9)');
      // Table cells wrap: the label's first words.
      expect(text).toContain('Obligation evidence');
      expect(text).not.toMatch(/risk_management|obligation_evidence|eu_declaration_of_conformity/);
    }
  });
});

/** Sections whose heading is followed by a figure, after fillers of growing length: headings land all over the page. */
function stressDocument(meta: ReportDocument['meta']): ReportDocument {
  const sections: ReportSection[] = Array.from({ length: 14 }, (_, i) => ({
    id: `s${i}`,
    heading: `${i + 1}. Section heading number ${i + 1}`,
    blocks: [
      {
        kind: 'chart',
        chart: {
          id: `c${i}`,
          title: `Chart ${i + 1}`,
          description: 'Counts per day.',
          layout: 'stacked',
          categories: ['a', 'b'],
          series: [{ name: 'allow', color: '#1b7837', values: [1, 2] }],
          valueLabel: 'decisions',
          counts: true,
          dataTable: false,
        },
      },
      { kind: 'paragraph', text: 'Filler text that runs over several lines. '.repeat(4 + 9 * i) },
    ],
  }));
  return {
    meta,
    summary: {},
    sections,
    records: { key: 'none', csvColumns: [], viewColumns: ['a'], items: async function* () {}, total: 0 },
  };
}

describe('keeping headings with what follows', () => {
  it('over many page positions, no page ends with a heading (PDF and printed HTML)', async () => {
    const doc = stressDocument(get('period-summary').doc.meta);
    const titles = headings(doc);
    const pdf = pages(await write('stress.pdf', renderPdf(doc)));
    expect(pdf.length).toBeGreaterThan(4);
    expect(pagesEndingWithHeading(pdf, titles)).toEqual([]);
    const html = await write('stress.html', renderHtml({ ...doc, meta: { ...doc.meta, format: 'html' } }));
    const { print } = await chromiumPdfs(html, 'stress');
    expect(pagesEndingWithHeading(pages(print), titles)).toEqual([]);
  }, 60_000);
});
