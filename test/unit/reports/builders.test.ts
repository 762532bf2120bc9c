/**
 * The three report builders on a small fixture with known answers: summaries, sections, evidence and the
 * streamed records, through the JSON and CSV formats (parsed back, so the content is checked, not the
 * layout).
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../functions/contracts/decision.ts';
import { ANNEX_IV_SECTIONS } from '../../../functions/reports/builders/annex-iv-sections.ts';
import { exceptionRows } from '../../../functions/reports/builders/shared.ts';
import { arrayDecisions } from '../../../functions/reports/decision-source.ts';
import { buildReport, renderReport, writeChunks } from '../../../functions/reports/generate-report.ts';
import type {
  ModelFacts,
  ReportFormat,
  ReportInputs,
  ReportParameters,
  ReportType,
} from '../../../functions/reports/report-model.ts';
import {
  CV_RANKER_V2,
  DECISIONS,
  decision,
  EXCEPTIONS,
  fixtureInputs,
  NOW,
} from '../../support/report-fixtures.ts';
import { BufferSink } from './tools.ts';

async function render(
  type: ReportType,
  format: ReportFormat,
  decisions: readonly Decision[],
  options: { model?: ModelFacts; parameters?: ReportParameters; inputs?: Partial<ReportInputs> } = {},
): Promise<string> {
  const inputs = { ...(await fixtureInputs(decisions, options.model)), ...options.inputs };
  const doc = await buildReport(type, format, options.parameters ?? {}, inputs);
  const sink = new BufferSink();
  await writeChunks(renderReport(doc), sink);
  return sink.text();
}

async function json(
  type: ReportType,
  decisions: readonly Decision[],
  options: Parameters<typeof render>[3] = {},
) {
  return JSON.parse(await render(type, 'json', decisions, options));
}

const cvRanker = DECISIONS.filter((d) => d.subject.group === 'cv-ranker');
const cvRankerV2 = cvRanker.filter((d) => d.subject.version === '2');
const id = (n: number) => `00000000-0000-8000-8000-${String(n).padStart(12, '0')}`;

describe('period-summary', () => {
  it('counts by outcome, risk class and rule, ranks the most-denied models, lists exceptions', async () => {
    const report = await json('period-summary', DECISIONS);
    expect(report.report).toMatchObject({ type: 'period-summary', format: 'json', parameters: {} });
    expect(report.report.checkpoint).toMatchObject({ size: 42 });
    const s = report.summary;
    expect(s.decisions).toBe(7);
    expect(s.models).toBe(3);
    expect(s.byOutcome).toEqual({ allow: 3, deny: 3, review: 1 });
    expect(s.byRiskClass).toEqual({
      high: { allow: 3, deny: 2, review: 1 },
      prohibited: { allow: 0, deny: 1, review: 0 },
    });
    expect(
      s.byRule.map((r: { rule: string; violations: number; decisions: number }) => [
        r.rule,
        r.violations,
        r.decisions,
      ]),
    ).toEqual([
      ['bias.disparate_impact', 2, 2],
      ['evidence.missing', 1, 1],
      ['prohibited.social_scoring', 1, 1],
    ]);
    expect(s.mostDeniedModels).toEqual([
      { model: 'cv-ranker', deny: 2, decisions: 4 },
      { model: 'citizen-trust-score', deny: 1, decisions: 1 },
    ]);
    expect(s.slowestModels).toBeNull();
    expect(s.slowestModelsNote).toMatch(
      /no decision in the period records how long its policy evaluation took/,
    );
    expect(s.exceptions.granted.map((e: { id: string }) => e.id)).toEqual(['exc-1', 'exc-2']);
    expect(s.exceptions.expired.map((e: { id: string }) => e.id)).toEqual(['exc-1']);
    expect(report.decisions.map((d: Decision) => d.id)).toEqual(DECISIONS.map((d) => d.id));
    expect(report.decisions[0].ledger).toEqual({
      ledgerIndex: 11,
      entryHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('narrows exceptions to the period it is given', async () => {
    const inPeriod = DECISIONS.filter((d) => d.evaluatedAt >= '2026-11-10' && d.evaluatedAt < '2026-11-21');
    const report = await json('period-summary', inPeriod, {
      parameters: { from: '2026-11-10T00:00:00Z', to: '2026-11-21T00:00:00Z' },
    });
    expect(report.summary.byOutcome).toEqual({ allow: 2, deny: 1, review: 0 });
    expect(report.summary.period).toEqual({ from: '2026-11-10T00:00:00Z', to: '2026-11-21T00:00:00Z' });
    expect(report.summary.exceptions.granted.map((e: { id: string }) => e.id)).toEqual(['exc-2']);
    expect(report.summary.exceptions.expired.map((e: { id: string }) => e.id)).toEqual(['exc-1']);
  });

  it('ranks the slowest models when decisions record their evaluation latency', async () => {
    const timed = DECISIONS.map((d, i) => ({ ...d, evaluationMs: 10 * (i + 1) }));
    const report = await json('period-summary', timed);
    expect(report.summary.slowestModels[0]).toEqual({
      model: 'cv-ranker',
      meanEvaluationMs: 45,
      maxEvaluationMs: 70,
      timedDecisions: 4,
    });
  });

  it('leaves the slowest models out, saying why, when no decision records its evaluation time', async () => {
    const untimed = await render('period-summary', 'html', DECISIONS);
    expect(untimed).not.toContain('Slowest models</h2>');
    expect(untimed).toContain('Slowest models: not shown, because no decision in the period records');
    const timed = await render(
      'period-summary',
      'html',
      DECISIONS.map((d, i) => (i === 2 ? { ...d, evaluationMs: 12.5 } : d)),
    );
    expect(timed).toContain('Slowest models</h2>');
    expect(timed).toContain('The 1 model with the highest mean policy evaluation time');
    expect(timed).not.toContain('Slowest models: not shown');
  });

  it('writes one CSV row per decision', async () => {
    const rows = parse(await render('period-summary', 'csv', DECISIONS), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows).toHaveLength(7);
    expect(rows[3]).toMatchObject({
      decision_id: id(4),
      model: 'cv-ranker',
      version: '2',
      decision: 'deny',
      violations: '2',
      rules: 'bias.disparate_impact;evidence.missing',
      ledger_index: '14',
    });
  });

  it('is an empty report, not an error, for a period without decisions', async () => {
    const report = await json('period-summary', []);
    expect(report.summary.decisions).toBe(0);
    expect(report.decisions).toEqual([]);
  });
});

describe('model-compliance', () => {
  it('reports the version: classification from the latest decision, exceptions, evidence documents', async () => {
    const report = await json('model-compliance', cvRankerV2, {
      model: CV_RANKER_V2,
      parameters: { model: 'cv-ranker', version: '2' },
    });
    const s = report.summary;
    expect(report.report.title).toBe('Model compliance: cv-ranker version 2');
    expect(s.model).toMatchObject({
      group: 'cv-ranker',
      version: '2',
      approvalStatus: 'PendingManualApproval',
    });
    expect(s.classification).toMatchObject({ riskClass: 'high', decision: 'review', decisionId: id(7) });
    expect(s.classification.ledger.ledgerIndex).toBe(17);
    expect(s.byOutcome).toEqual({ allow: 1, deny: 1, review: 1 });
    expect(s.violationsByRule).toEqual({ 'bias.disparate_impact': 1, 'evidence.missing': 1 });
    expect(s.exceptions).toEqual([expect.objectContaining({ id: 'exc-1', status: 'expired' })]);
    expect(s.profile.useCase).toBe('recruitment');
    expect(s.deployments).toEqual([]);
    expect(report.decisions.map((d: Decision) => d.id)).toEqual([id(4), id(6), id(7)]);
  });

  it('shows an exception revoked before the report time as revoked, not active', () => {
    const open = { ...(EXCEPTIONS[0] as (typeof EXCEPTIONS)[number]), expiresAt: '2099-01-01T00:00:00Z' };
    const revoked = { ...open, revokedAt: '2026-11-10T00:00:00Z', revokedBy: 'x', revocationReason: 'y' };
    expect(exceptionRows([open, revoked], NOW).map((row) => row[6])).toEqual(['active', 'revoked']);
  });

  it('writes one CSV row per violation, and one for a decision without any', async () => {
    const rows = parse(await render('model-compliance', 'csv', cvRankerV2, { model: CV_RANKER_V2 }), {
      columns: true,
    }) as Record<string, string>[];
    expect(rows.map((r) => [r.decision_id, r.rule])).toEqual([
      [id(4), 'bias.disparate_impact'],
      [id(4), 'evidence.missing'],
      [id(6), ''],
      [id(7), ''],
    ]);
    expect(rows[0]).toMatchObject({
      severity: 'high',
      reference: 'DI < 0.8',
      mode: 'enforce',
      ledger_index: '14',
    });
  });

  it('needs the model', async () => {
    await expect(render('model-compliance', 'json', cvRankerV2)).rejects.toThrow(/needs a model/);
  });
});

describe('annex-iv', () => {
  it('assembles the nine sections, links evidence and marks what is missing', async () => {
    const report = await json('annex-iv', cvRanker, {
      model: CV_RANKER_V2,
      parameters: { model: 'cv-ranker' },
    });
    const sections = report.summary.sections as {
      number: number;
      title: string;
      complete: boolean;
      evidence: {
        label: string;
        status: string;
        detail: string;
        refs: { ledgerIndex?: number; source?: string }[];
      }[];
    }[];
    expect(sections.map((s) => s.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sections.map((s) => s.title)).toEqual(ANNEX_IV_SECTIONS.map((s) => s.title));
    expect(sections.filter((s) => s.complete).map((s) => s.number)).toEqual([1, 5, 6]);
    expect(report.summary.missing).toBe(11);
    const status = (n: number) => sections[n - 1]?.evidence.map((e) => e.status);
    expect(status(2)).toEqual(['present', 'missing', 'missing']);
    expect(status(3)).toEqual(['present', 'missing', 'missing', 'missing', 'present']);
    expect(status(8)).toEqual(['missing']);
    expect(sections[7]?.evidence[0]?.detail).toBe(
      'named but could not be read: s3://governance/cv-ranker/doc.pdf',
    );
    // The profile links the ledger entry of the latest decision about the version and the profile document.
    expect(sections[0]?.evidence[0]?.refs).toEqual([
      { ledgerIndex: 17, entryHash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      { source: 's3://governance/cv-ranker/profile.json' },
    ]);
    expect(sections[4]?.evidence[0]).toMatchObject({
      status: 'present',
      detail: 'named by the model package',
    });
    expect(sections[5]?.evidence[0]?.detail).toBe('2 versions, 4 decisions (listed below)');
    expect(
      report.summary.versions.map((v: { version: string; decisions: number }) => [v.version, v.decisions]),
    ).toEqual([
      ['1', 1],
      ['2', 3],
    ]);
    expect(report.lifecycle.map((d: { id: string }) => d.id)).toEqual([id(1), id(4), id(6), id(7)]);
  });

  it('takes obligation evidence recorded in the latest decision', async () => {
    const upToSix = cvRanker.filter((d) => d.id !== id(7));
    const report = await json('annex-iv', upToSix, { model: { ...CV_RANKER_V2, missing: [] } });
    const evidence = (n: number) => report.summary.sections[n - 1].evidence[0];
    expect(evidence(5)).toMatchObject({ status: 'present', detail: 'evidenced in the latest decision' });
    expect(evidence(5).refs).toEqual([
      { ledgerIndex: 16, entryHash: expect.any(String) },
      { source: 's3://governance/cv-ranker/risk-management.pdf' },
    ]);
    expect(evidence(8)).toMatchObject({
      status: 'missing',
      detail: expect.stringMatching(/latest decision found no evidence/),
    });
  });

  it('writes the evidence of every section, then every decision, as CSV rows', async () => {
    const rows = parse(await render('annex-iv', 'csv', cvRanker, { model: CV_RANKER_V2 }), {
      columns: true,
    }) as Record<string, string>[];
    const evidenceRows = ANNEX_IV_SECTIONS.reduce((n, s) => n + s.needs.length, 0);
    expect(rows).toHaveLength(evidenceRows + 4);
    expect(rows[0]).toMatchObject({
      section: '1',
      status: 'present',
      ledger_index: '17',
      source: 's3://governance/cv-ranker/profile.json',
    });
    expect(rows.at(-1)).toMatchObject({ section: '6', status: 'present', ledger_index: '17' });
  });

  it('notes when the system is not classified high-risk', async () => {
    const minimal = cvRanker.map((d) => ({ ...d, riskClass: 'minimal' as const }));
    const html = await render('annex-iv', 'html', minimal, { model: CV_RANKER_V2 });
    expect(html).toContain(
      'required for high-risk AI systems (Art. 11(1)); the latest decision classifies this system as minimal',
    );
  });
});

describe('the two passes', () => {
  it('fails when the decisions change between the passes, rather than contradict itself', async () => {
    let reads = 0;
    const shifting: AsyncIterable<Decision> = {
      async *[Symbol.asyncIterator]() {
        reads++;
        yield* reads === 1 ? DECISIONS : DECISIONS.slice(0, 5);
      },
    };
    await expect(render('period-summary', 'json', [], { inputs: { decisions: shifting } })).rejects.toThrow(
      /decisions changed while the report was built \(7 in the first pass, 5 in the second\)/,
    );
  });

  it('reports progress: a count while scanning, then done of total', async () => {
    const seen: string[] = [];
    await render('period-summary', 'csv', DECISIONS, {
      inputs: { onProgress: (p) => seen.push(`${p.phase}:${p.done}/${p.total ?? '?'}`) },
    });
    expect(seen[0]).toBe('scanning:0/?');
    expect(seen).toContain('scanning:7/?');
    expect(seen.at(-1)).toBe('writing:7/7');
  });

  it('works without a ledger: no entry references, no checkpoint', async () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      decision(100 + i, 'm', '1', 'allow', `2026-11-01T00:00:${String(i).padStart(2, '0')}.000Z`),
    );
    const inputs: ReportInputs = { decisions: arrayDecisions(many), exceptions: async () => [], now: NOW };
    const doc = await buildReport('period-summary', 'json', {}, inputs);
    expect(doc.records.total).toBe(30);
    const sink = new BufferSink();
    await writeChunks(renderReport(doc), sink);
    const report = JSON.parse(sink.text());
    expect(report.decisions).toHaveLength(30);
    expect(report.decisions[0].ledger).toBeUndefined();
    expect(report.report.checkpoint).toBeNull();
  });
});

describe('inputs', () => {
  it('refuses a one-shot generator: builders read the decisions twice', async () => {
    async function* once() {
      yield* DECISIONS;
    }
    await expect(
      buildReport('period-summary', 'json', {}, { decisions: once(), exceptions: async () => [], now: NOW }),
    ).rejects.toThrow(/must be re-iterable/);
  });
});
