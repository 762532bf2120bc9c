/**
 * HTML reports in headless Chromium (Debian's /usr/bin/chromium through playwright-core): loaded from
 * file://, they show their headings (the nine Annex IV sections), draw their SVG charts at a real size,
 * name every chart and table for assistive technology, and load nothing else: no scripts, no requests.
 * A screenshot of each is kept in a temporary directory.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../../functions/contracts/decision.ts';
import { ANNEX_IV_SECTIONS } from '../../../functions/reports/builders/annex-iv-sections.ts';
import { buildReport, renderReport, writeChunks } from '../../../functions/reports/generate-report.ts';
import type { ModelFacts, ReportType } from '../../../functions/reports/report-model.ts';
import { CV_RANKER_V2, DECISIONS, fixtureInputs } from '../../support/report-fixtures.ts';
import { BufferSink, CHROMIUM, requireTool } from './tools.ts';

const dir = mkdtempSync(join(tmpdir(), 'verdict-html-'));
let browser: BrowserContext;

beforeAll(async () => {
  requireTool('chromium');
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'verdict-chromium-profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1200, height: 900 },
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

async function htmlFile(name: string, type: ReportType, decisions: readonly Decision[], model?: ModelFacts) {
  const doc = await buildReport(
    type,
    'html',
    model ? { model: model.group } : {},
    await fixtureInputs(decisions, model),
  );
  const sink = new BufferSink();
  await writeChunks(renderReport(doc), sink);
  const file = join(dir, `${name}.html`);
  writeFileSync(file, sink.bytes());
  return file;
}

async function open(file: string) {
  const page = await browser.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, requests };
}

describe('HTML reports in Chromium', () => {
  it('Annex IV: the nine sections, the bias chart drawn and named, captions everywhere', async () => {
    const file = await htmlFile(
      'annex-iv',
      'annex-iv',
      DECISIONS.filter((d) => d.subject.group === 'cv-ranker'),
      CV_RANKER_V2,
    );
    const { page, requests } = await open(file);
    expect(await page.locator('h1').textContent()).toBe(
      'EU AI Act Annex IV technical documentation: cv-ranker version 2',
    );
    const headings = await page.locator('main section > h2').allTextContents();
    expect(headings).toEqual(['Overview', ...ANNEX_IV_SECTIONS.map((s) => `${s.number}. ${s.title}`)]);

    const charts = page.locator('svg.chart');
    expect(await charts.count()).toBe(2);
    for (const chart of await charts.all()) {
      const box = await chart.boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      expect(box?.height).toBeGreaterThan(100);
      expect(await chart.locator('rect').count()).toBeGreaterThan(3);
    }
    await expect(page.getByRole('img', { name: 'Bias metrics per group' }).count()).resolves.toBe(1);
    await expect(page.getByRole('img', { name: 'Decisions over time' }).count()).resolves.toBe(1);
    expect(await page.locator('figure').count()).toBe(await page.locator('figure > figcaption').count());
    expect(await page.locator('table').count()).toBe(await page.locator('table > caption').count());
    expect(await page.locator('.status-missing').count()).toBe(11);
    expect(await page.locator('script').count()).toBe(0);
    expect(requests).toEqual([pathToFileURL(file).href]);

    const shot = join(dir, 'annex-iv.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    await page.close();
  });

  it('period summary: counts, two charts with data tables, every decision', async () => {
    const file = await htmlFile('period-summary', 'period-summary', DECISIONS);
    const { page, requests } = await open(file);
    expect(await page.locator('h1').textContent()).toBe('Gate activity: period summary');
    expect(await page.locator('#overview dd').first().textContent()).toMatch(/2026-11-02T09:00:00.000Z to /);
    const charts = page.locator('svg.chart');
    expect(await charts.count()).toBe(2);
    for (const chart of await charts.all()) {
      const box = await chart.boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      expect(box?.height).toBeGreaterThan(100);
    }
    // The text alternative of each chart: its data as a table, with row headers.
    expect(await page.locator('figure details table th[scope="row"]').count()).toBeGreaterThan(2);
    expect(await page.locator('table.records tbody tr').count()).toBe(7);
    expect(requests).toEqual([pathToFileURL(file).href]);
    await page.screenshot({ path: join(dir, 'period-summary.png'), fullPage: true });
    await page.close();
  });

  it('model compliance: each decision with its violations under it', async () => {
    const file = await htmlFile(
      'model-compliance',
      'model-compliance',
      DECISIONS.filter((d) => d.subject.group === 'cv-ranker' && d.subject.version === '2'),
      CV_RANKER_V2,
    );
    const { page } = await open(file);
    expect(await page.locator('table.records tbody tr.lines').count()).toBe(3);
    expect(await page.locator('tr.lines .tone-bad').allTextContents()).toEqual([
      'x bias.disparate_impact [high] DI < 0.8',
      'x evidence.missing [high] Art. 47',
    ]);
    await page.screenshot({ path: join(dir, 'model-compliance.png'), fullPage: true });
    await page.close();
  });
});
