/**
 * `period-summary`: all gate activity in a period. Counts by outcome, risk class and rule, the slowest and
 * the most-denied models, exceptions granted and expired in the period, then every decision (one record
 * each). The summary is bounded by the number of models and rules, never by the number of decisions.
 */

import type { Outcome } from '../../contracts/decision.ts';
import type { Exception } from '../../contracts/exception.ts';
import { fieldLabel } from '../../ledger/sealed-field.ts';
import { plural } from '../../shared/plural.ts';
import type {
  ReportDocument,
  ReportFormat,
  ReportInputs,
  ReportParameters,
  ReportSection,
} from '../report-model.ts';
import {
  count,
  decisionJson,
  EXCEPTION_COLUMNS,
  evaluationLatencyMs,
  exceptionRows,
  OUTCOME_COLORS,
  OUTCOMES,
  percent,
  records,
  refText,
  reportMeta,
  scan,
  Timeline,
} from './shared.ts';

const TOP = 10;

interface ModelStats {
  group: string;
  decisions: number;
  deny: number;
  review: number;
  latencyN: number;
  latencySum: number;
  latencyMax: number;
}

interface RuleStats {
  rule: string;
  severity: string;
  reference: string;
  violations: number;
  decisions: number;
}

const PERIOD_SUMMARY_CSV_COLUMNS = [
  'decision_id',
  'evaluated_at',
  'gate',
  'model',
  'version',
  'model_package_arn',
  'decision',
  'risk_class',
  'violations',
  'rules',
  'policy_version',
  'policy_bundle_sha256',
  'input_sha256',
  'ledger_index',
  'entry_hash',
];

export async function buildPeriodSummary(
  format: ReportFormat,
  parameters: ReportParameters,
  inputs: ReportInputs,
): Promise<ReportDocument> {
  const byOutcome: Record<Outcome, number> = { allow: 0, deny: 0, review: 0 };
  const byRisk = new Map<string, Record<Outcome, number>>();
  const byRule = new Map<string, RuleStats>();
  const byModel = new Map<string, ModelStats>();
  const subjects = new Set<string>();
  const timeline = new Timeline();
  let first: string | undefined;
  let last: string | undefined;

  const total = await scan(inputs, (d) => {
    byOutcome[d.decision]++;
    const risk = d.riskClass ?? 'unclassified';
    const r = byRisk.get(risk) ?? { allow: 0, deny: 0, review: 0 };
    byRisk.set(risk, r);
    r[d.decision]++;
    const seen = d.violations.length > 1 ? new Set<string>() : undefined;
    for (const v of d.violations) {
      const s = byRule.get(v.rule) ?? {
        rule: v.rule,
        severity: v.severity,
        reference: v.reference,
        violations: 0,
        decisions: 0,
      };
      byRule.set(v.rule, s);
      s.violations++;
      if (!seen?.has(v.rule)) s.decisions++;
      seen?.add(v.rule);
    }
    const m = byModel.get(d.subject.group) ?? {
      group: d.subject.group,
      decisions: 0,
      deny: 0,
      review: 0,
      latencyN: 0,
      latencySum: 0,
      latencyMax: 0,
    };
    byModel.set(d.subject.group, m);
    m.decisions++;
    if (d.decision === 'deny') m.deny++;
    if (d.decision === 'review') m.review++;
    const latency = evaluationLatencyMs(d);
    if (latency !== undefined) {
      m.latencyN++;
      m.latencySum += latency;
      m.latencyMax = Math.max(m.latencyMax, latency);
    }
    subjects.add(d.subject.group);
    subjects.add(d.subject.id);
    timeline.add(d);
    if (first === undefined || d.evaluatedAt < first) first = d.evaluatedAt;
    if (last === undefined || d.evaluatedAt > last) last = d.evaluatedAt;
  });

  const exceptions = subjects.size ? await inputs.exceptions([...subjects]) : [];
  const inPeriod = (time: string) =>
    (parameters.from === undefined || Date.parse(time) >= Date.parse(parameters.from)) &&
    (parameters.to === undefined || Date.parse(time) < Date.parse(parameters.to));
  const granted = exceptions.filter((e) => inPeriod(e.grantedAt));
  const expired = exceptions.filter(
    (e) => inPeriod(e.expiresAt) && Date.parse(e.expiresAt) <= inputs.now.getTime(),
  );

  const models = [...byModel.values()];
  const mostDenied = models
    .filter((m) => m.deny > 0)
    .sort((a, b) => b.deny - a.deny || a.group.localeCompare(b.group))
    .slice(0, TOP);
  const timed = models.filter((m) => m.latencyN > 0);
  const slowest = timed
    .sort((a, b) => b.latencySum / b.latencyN - a.latencySum / a.latencyN || a.group.localeCompare(b.group))
    .slice(0, TOP);
  const rules = [...byRule.values()].sort(
    (a, b) => b.violations - a.violations || a.rule.localeCompare(b.rule),
  );
  const risks = [...byRisk.entries()].sort(([a], [b]) => a.localeCompare(b));
  const period = `${parameters.from ?? first ?? '(no decisions)'} to ${parameters.to ?? last ?? '(no decisions)'}`;
  const latencyNote =
    'Slowest models: not shown, because no decision in the period records how long its policy evaluation took (decisions recorded before the gate measured it).';

  const summary = {
    period: { from: parameters.from ?? first ?? null, to: parameters.to ?? last ?? null },
    decisions: total,
    models: byModel.size,
    byOutcome,
    byRiskClass: Object.fromEntries(risks),
    byRule: rules,
    mostDeniedModels: mostDenied.map((m) => ({ model: m.group, deny: m.deny, decisions: m.decisions })),
    slowestModels: slowest.length
      ? slowest.map((m) => ({
          model: m.group,
          meanEvaluationMs: round(m.latencySum / m.latencyN),
          maxEvaluationMs: round(m.latencyMax),
          timedDecisions: m.latencyN,
        }))
      : null,
    ...(slowest.length ? {} : { slowestModelsNote: latencyNote }),
    exceptions: { granted: granted.map(brief), expired: expired.map(brief) },
  };

  const sections: ReportSection[] = [
    {
      id: 'overview',
      heading: 'Overview',
      blocks: [
        {
          kind: 'facts',
          rows: [
            ['Period', period],
            ['Decisions', count(total)],
            ...OUTCOMES.map((o): [string, string] => [
              o,
              `${count(byOutcome[o])} (${percent(byOutcome[o], total)})`,
            ]),
            ['Models', count(byModel.size)],
            ['Exceptions granted / expired', `${granted.length} / ${expired.length}`],
          ],
        },
        ...(slowest.length ? [] : [{ kind: 'paragraph' as const, text: latencyNote, tone: 'note' as const }]),
      ],
    },
    {
      id: 'timeline',
      heading: 'Decisions over time',
      blocks: total
        ? [{ kind: 'chart', chart: timeline.chart('decisions-over-time') }]
        : [{ kind: 'paragraph', text: 'No decisions in the period.', tone: 'missing' }],
    },
    {
      id: 'risk-classes',
      heading: 'Outcomes by risk class',
      blocks: [
        {
          kind: 'chart',
          chart: {
            id: 'outcomes-by-risk-class',
            title: 'Outcomes by risk class',
            description: 'Decisions per risk class, stacked by outcome.',
            layout: 'stacked',
            categories: risks.map(([risk]) => risk),
            series: OUTCOMES.map((o) => ({
              name: o,
              color: OUTCOME_COLORS[o],
              values: risks.map(([, c]) => c[o]),
            })),
            valueLabel: 'decisions',
            counts: true,
          },
        },
      ],
    },
    {
      id: 'rules',
      heading: 'Violations by rule',
      blocks: rules.length
        ? [
            {
              kind: 'table',
              caption: 'Violations by rule, most frequent first',
              columns: ['rule', 'severity', 'reference', 'violations', 'decisions'],
              rows: rules.map((r) => [
                r.rule,
                r.severity,
                r.reference,
                count(r.violations),
                count(r.decisions),
              ]),
            },
          ]
        : [{ kind: 'paragraph', text: 'No violations in the period.' }],
    },
    {
      id: 'most-denied',
      heading: 'Most-denied models',
      blocks: mostDenied.length
        ? [
            {
              kind: 'table',
              caption: `The ${plural(mostDenied.length, 'model')} with the most denials`,
              columns: ['model', 'denied', 'review', 'decisions', 'denial rate'],
              rows: mostDenied.map((m) => [
                m.group,
                count(m.deny),
                count(m.review),
                count(m.decisions),
                percent(m.deny, m.decisions),
              ]),
            },
          ]
        : [{ kind: 'paragraph', text: 'No model was denied in the period.' }],
    },
    ...(slowest.length
      ? [
          {
            id: 'slowest',
            heading: 'Slowest models',
            blocks: [
              {
                kind: 'table' as const,
                caption: `The ${plural(slowest.length, 'model')} with the highest mean policy evaluation time`,
                columns: ['model', 'mean ms', 'max ms', 'timed decisions'],
                rows: slowest.map((m) => [
                  m.group,
                  round(m.latencySum / m.latencyN).toString(),
                  round(m.latencyMax).toString(),
                  count(m.latencyN),
                ]),
              },
            ],
          },
        ]
      : []),
    {
      id: 'exceptions',
      heading: 'Exceptions granted and expired',
      blocks: [
        exceptionTable('Exceptions granted in the period', granted, inputs.now),
        exceptionTable('Exceptions that expired in the period', expired, inputs.now),
      ],
    },
    {
      id: 'decisions',
      heading: 'Decisions',
      blocks: [{ kind: 'records', caption: 'Every decision in the period, in order' }],
    },
  ];

  return {
    meta: reportMeta('period-summary', format, 'Gate activity: period summary', parameters, inputs),
    summary,
    sections,
    records: {
      key: 'decisions',
      total,
      csvColumns: PERIOD_SUMMARY_CSV_COLUMNS,
      viewColumns: ['evaluated at', 'model', 'version', 'decision', 'risk class', 'rules', 'ledger'],
      viewColumnWeights: [1, 2.5, 0.2, 0.5, 1.2, 3.5, 1],
      items: () =>
        records(inputs, total, (d, ref) => {
          const rules = [...new Set(d.violations.map((v) => v.rule))];
          return {
            json: decisionJson(d, ref),
            csv: [
              [
                d.id,
                d.evaluatedAt,
                d.gate,
                d.subject.group,
                d.subject.version,
                d.subject.id,
                d.decision,
                d.riskClass ?? '',
                String(d.violations.length),
                rules.join(';'),
                d.policy.version,
                d.policy.bundleSha256,
                d.inputSha256,
                ref?.ledgerIndex === undefined ? '' : String(ref.ledgerIndex),
                ref?.entryHash ?? '',
              ],
            ],
            view: {
              cells: [
                d.evaluatedAt,
                d.subject.group,
                d.subject.version,
                d.decision,
                d.riskClass ?? '',
                rules.join(', '),
                refText(ref),
              ],
              lines: [],
            },
          };
        }),
    },
  };
}

function exceptionTable(caption: string, exceptions: Exception[], now: Date) {
  return exceptions.length
    ? { kind: 'table' as const, caption, columns: EXCEPTION_COLUMNS, rows: exceptionRows(exceptions, now) }
    : { kind: 'paragraph' as const, text: `${caption}: none.` };
}

function brief(e: Exception) {
  return {
    id: e.id,
    rule: e.rule,
    subject: e.subject,
    approver: fieldLabel(e.approver),
    grantedAt: e.grantedAt,
    expiresAt: e.expiresAt,
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
