/**
 * PDF reports rendered back with poppler: `pdftotext` for content (section titles, model, counts) and
 * `pdftoppm -png -r 50` for pages that are not blank. Missing poppler fails with how to install it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../functions/contracts/decision.ts';
import { ANNEX_IV_SECTIONS } from '../../../functions/reports/builders/annex-iv-sections.ts';
import { winAnsi } from '../../../functions/reports/formats/pdf-writer.ts';
import { buildReport, renderReport, writeChunks } from '../../../functions/reports/generate-report.ts';
import type { ModelFacts, ReportType } from '../../../functions/reports/report-model.ts';
import { HARMLESS_PROFILE } from '../../support/profiles.ts';
import { CV_RANKER_V2, DECISIONS, decision, fixtureInputs } from '../../support/report-fixtures.ts';
import { BufferSink, inkedPixels, overlappingWords, pdfPages, pdfText, pdfWordBoxes } from './tools.ts';

const dir = mkdtempSync(join(tmpdir(), 'verdict-pdf-'));

async function pdf(
  name: string,
  type: ReportType,
  decisions: readonly Decision[],
  model?: ModelFacts,
): Promise<string> {
  const doc = await buildReport(
    type,
    'pdf',
    model ? { model: model.group, version: model.version } : {},
    await fixtureInputs(decisions, model),
  );
  const sink = new BufferSink();
  await writeChunks(renderReport(doc), sink);
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, sink.bytes());
  return file;
}

/** pdftotext -layout spreads a line over columns: compare on single spaces. */
const squeeze = (text: string) => text.replace(/[ \t]+/g, ' ');

describe('PDF reports', () => {
  it('an Annex IV PDF has the nine section titles, the model and its counts', async () => {
    const file = await pdf(
      'annex-iv',
      'annex-iv',
      DECISIONS.filter((d) => d.subject.group === 'cv-ranker'),
      CV_RANKER_V2,
    );
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    const text = squeeze(pdfText(file));
    expect(text).toContain('EU AI Act Annex IV technical documentation: cv-ranker');
    for (const section of ANNEX_IV_SECTIONS) {
      const title = `${section.number}. ${section.title}`;
      // A long title may wrap: check its first words.
      expect(text).toContain(title.split(' ').slice(0, 6).join(' '));
    }
    expect(text).toContain('Sections complete 3 of 9');
    expect(text).toContain('Evidence items missing 11');
    expect(text).toContain('arn:aws:sagemaker:eu-west-1:123456789012:model-package/cv-ranker/2');
    expect(text).toContain('MISSING');
    expect(text).toContain('Figure: Bias metrics per group');
    expect(text).toContain('gender=female');
    expect(text).toContain('Every gate decision about the model, in order (4)');

    const pages = pdfPages(file);
    expect(pages.length).toBeGreaterThan(0);
    for (const page of pages) {
      const { width, height, inked } = inkedPixels(readFileSync(page));
      expect(width).toBeGreaterThan(300);
      expect(height).toBeGreaterThan(500);
      expect(inked).toBeGreaterThan(200);
    }
  });

  it('a period summary PDF has its counts, the timeline chart and every decision', async () => {
    const file = await pdf('period-summary', 'period-summary', DECISIONS);
    const text = squeeze(pdfText(file));
    expect(text).toContain('Gate activity: period summary');
    expect(text).toContain('Decisions 7');
    expect(text).toContain('deny 3 (42.9%)');
    expect(text).toContain('Figure: Decisions over time');
    expect(text).toContain('bias.disparate_impact');
    expect(text).toContain('Every decision in the period, in order (7)');
    expect(text).toContain('citizen-trust-score');
    expect(pdfPages(file).length).toBeGreaterThan(0);
  });

  it('a model-compliance PDF lists every decision with its violations, over pages', async () => {
    const many = Array.from({ length: 120 }, (_, i) =>
      decision(
        1000 + i,
        'cv-ranker',
        '2',
        i % 3 ? 'allow' : 'deny',
        new Date(Date.UTC(2026, 10, 1) + i * 3_600_000).toISOString(),
        {
          violations:
            i % 3
              ? []
              : [
                  {
                    rule: 'bias.disparate_impact',
                    severity: 'high',
                    message: `DI is 0.6${i % 10}`,
                    reference: 'DI < 0.8',
                    remediation: 'Retrain.',
                  },
                ],
        },
      ),
    );
    const file = await pdf('model-compliance', 'model-compliance', many, CV_RANKER_V2);
    const text = squeeze(pdfText(file));
    expect(text).toContain('Model compliance: cv-ranker version 2');
    expect(text).toContain('Every decision about this model version, with its violations and evidence (120)');
    expect(text.match(/x bias\.disparate_impact \[high\] DI < 0\.8/g)?.length).toBe(40);
    expect(text).toContain('2026-11-05T23:00:00.000Z');
    const pages = pdfPages(file);
    expect(pages.length).toBeGreaterThan(3);
    expect(text).toContain(`page ${pages.length}`);
  });

  it('grows each profile row to fit its label and value, so no two words overlap', async () => {
    const file = await pdf('annex-iv-full-profile', 'annex-iv', [], {
      ...CV_RANKER_V2,
      profile: {
        ...HARMLESS_PROFILE,
        purpose: `${'Ranks job applications for recruiters by their fit with the advertised role. '.repeat(6)}`,
      },
    });
    const boxes = pdfWordBoxes(file);
    expect(boxes.length).toBeGreaterThan(200);
    const overlaps = overlappingWords(boxes).map(([a, b]) => `p${a.page} "${a.text}" / "${b.text}"`);
    expect(overlaps).toEqual([]);
    const text = squeeze(pdfText(file));
    expect(text).toContain('Art. 5(1)(d): crime risk assessed solely');
    expect(text).toContain('Training compute in floating-point');
    expect(text).not.toContain('crimeRiskSolelyFromProfiling');
    expect(text).not.toMatch(/art5\.|gpai\.trainingFlops/);
  });

  it('keeps text the standard fonts can show and replaces the rest', () => {
    expect(winAnsi('DI ≥ 0.8 — naïve “quoted” €5')).toBe('DI ? 0.8 — naïve “quoted” €5');
    expect(winAnsi('tab\there')).toBe('tab here');
  });
});
