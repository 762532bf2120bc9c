/**
 * `model-compliance`: one model version. Its profile and classification, its bias evidence, its
 * obligations, the exceptions granted for it, where it is deployed, then every decision about it with
 * its violations and evidence (one record each; in CSV one row per violation).
 */
import type { Decision, Outcome } from '../../contracts/decision.ts';
import { ReportInputError } from '../errors.ts';
import type {
  ReportDocument,
  ReportFormat,
  ReportInputs,
  ReportParameters,
  ReportSection,
} from '../report-model.ts';
import {
  annotations,
  biasBlocks,
  count,
  decisionJson,
  decisionLines,
  EXCEPTION_COLUMNS,
  exceptionRows,
  exceptionStatus,
  inputKindLabel,
  ledgerJson,
  OUTCOMES,
  obligationLabel,
  profileRows,
  records,
  refText,
  reportedException,
  reportMeta,
  scan,
  Timeline,
} from './shared.ts';

const MODEL_COMPLIANCE_CSV_COLUMNS = [
  'decision_id',
  'evaluated_at',
  'model',
  'version',
  'decision',
  'risk_class',
  'rule',
  'severity',
  'reference',
  'message',
  'remediation',
  'mode',
  'waiver_id',
  'policy_version',
  'policy_bundle_sha256',
  'input_sha256',
  'ledger_index',
  'entry_hash',
];

export async function buildModelCompliance(
  format: ReportFormat,
  parameters: ReportParameters,
  inputs: ReportInputs,
): Promise<ReportDocument> {
  const model = inputs.model;
  if (!model) throw new ReportInputError('model-compliance needs a model');
  const byOutcome: Record<Outcome, number> = { allow: 0, deny: 0, review: 0 };
  const riskClasses = new Map<string, number>();
  const rules = new Map<string, number>();
  const timeline = new Timeline();
  let latest: Decision | undefined;

  const total = await scan(inputs, (d) => {
    byOutcome[d.decision]++;
    const risk = d.riskClass ?? 'unclassified';
    riskClasses.set(risk, (riskClasses.get(risk) ?? 0) + 1);
    for (const v of d.violations) rules.set(v.rule, (rules.get(v.rule) ?? 0) + 1);
    timeline.add(d);
    if (!latest || d.evaluatedAt >= latest.evaluatedAt) latest = d;
  });
  const latestRef = latest && inputs.locate ? await inputs.locate(latest) : undefined;
  const exceptions = await inputs.exceptions([model.group, ...(model.arn ? [model.arn] : [])]);
  const deployments = model.deployments;
  const evidenceDocs = model.obligationEvidence ?? {};

  const summary = {
    model: {
      group: model.group,
      version: model.version,
      arn: model.arn ?? null,
      approvalStatus: model.approvalStatus ?? null,
    },
    profile: model.profile ?? null,
    classification: latest
      ? {
          riskClass: latest.riskClass ?? null,
          decision: latest.decision,
          decisionId: latest.id,
          evaluatedAt: latest.evaluatedAt,
          policy: latest.policy,
          ...ledgerJson(latestRef),
        }
      : null,
    decisions: total,
    byOutcome,
    byRiskClass: Object.fromEntries(riskClasses),
    violationsByRule: Object.fromEntries([...rules].sort(([a], [b]) => a.localeCompare(b))),
    bias: model.bias ?? null,
    obligations: latest?.obligations ?? [],
    obligationEvidence: evidenceDocs,
    missingEvidence: model.missing ?? [],
    exceptions: exceptions.map((e) => ({ ...reportedException(e), status: exceptionStatus(e, inputs.now) })),
    deployments: deployments ?? null,
  };

  const sections: ReportSection[] = [
    {
      id: 'model',
      heading: 'Model version',
      blocks: [
        {
          kind: 'facts',
          rows: [
            ['Model', model.group],
            ['Version', model.version],
            ['Model package', model.arn ?? '(unknown)'],
            ['Registry status', model.approvalStatus ?? '(unknown)'],
            ['Decisions', `${count(total)} (${OUTCOMES.map((o) => `${byOutcome[o]} ${o}`).join(', ')})`],
          ],
        },
      ],
    },
    {
      id: 'profile',
      heading: 'AI-system profile',
      blocks: model.profile
        ? [
            { kind: 'paragraph', text: `Source: ${model.profileSource ?? '(not named)'}` },
            { kind: 'facts', rows: profileRows(model.profile) },
          ]
        : [
            {
              kind: 'paragraph',
              text: 'MISSING: the model package names no readable AI-system profile.',
              tone: 'missing',
            },
          ],
    },
    {
      id: 'classification',
      heading: 'Classification',
      blocks: latest
        ? [
            {
              kind: 'facts',
              rows: [
                ['Risk class', latest.riskClass ?? 'not classified'],
                ['Latest decision', `${latest.decision} at ${latest.evaluatedAt} (${latest.id})`],
                ['Policy', `${latest.policy.version}, bundle sha256:${latest.policy.bundleSha256}`],
                ['Ledger entry', refText(latestRef) || '(no ledger reference)'],
              ],
            },
            {
              kind: 'table',
              caption: 'Risk classes over all decisions',
              columns: ['risk class', 'decisions'],
              rows: [...riskClasses].map(([r, n]) => [r, count(n)]),
            },
          ]
        : [
            {
              kind: 'paragraph',
              text: 'No decision has been recorded for this model version.',
              tone: 'missing',
            },
          ],
    },
    { id: 'bias', heading: 'Bias evidence', blocks: biasBlocks(model, 'bias-metrics') },
    {
      id: 'obligations',
      heading: 'Obligations',
      blocks: latest?.obligations.length
        ? [
            {
              kind: 'table',
              caption: 'Obligations in the latest decision',
              columns: ['obligation', 'title', 'holder', 'applies from', 'status'],
              rows: latest.obligations.map((o) => [
                o.ref,
                o.title,
                o.holder ?? '',
                o.appliesFrom ?? '',
                o.satisfied === undefined ? '' : o.satisfied ? 'evidenced' : 'NO EVIDENCE',
              ]),
            },
          ]
        : [{ kind: 'paragraph', text: 'The latest decision lists no obligations.' }],
    },
    {
      id: 'evidence-documents',
      heading: 'Evidence documents',
      blocks: [
        Object.keys(evidenceDocs).length
          ? {
              kind: 'table',
              caption: 'Documents the model package names as obligation evidence',
              columns: ['obligation', 'document'],
              rows: Object.entries(evidenceDocs).map(([id, doc]) => [obligationLabel(id), doc.source]),
            }
          : { kind: 'paragraph', text: 'The model package names no obligation evidence documents.' },
        ...(model.missing?.length
          ? [
              {
                kind: 'table' as const,
                caption: 'MISSING: named inputs that could not be read',
                columns: ['input', 'source', 'obligation'],
                rows: model.missing.map((m) => [
                  inputKindLabel(m.kind),
                  m.source,
                  m.obligation ? obligationLabel(m.obligation) : '',
                ]),
              },
            ]
          : []),
      ],
    },
    {
      id: 'exceptions',
      heading: 'Exceptions',
      blocks: exceptions.length
        ? [
            {
              kind: 'table',
              caption: 'Exceptions granted for this model',
              columns: EXCEPTION_COLUMNS,
              rows: exceptionRows(exceptions, inputs.now),
            },
          ]
        : [{ kind: 'paragraph', text: 'No exception has been granted for this model.' }],
    },
    {
      id: 'deployments',
      heading: 'Deployments',
      blocks: deployments?.length
        ? [
            {
              kind: 'table',
              caption: 'Where this model version is deployed',
              columns: ['environment', 'target', 'since', 'status', 'ledger'],
              rows: deployments.map((d) => [d.environment, d.target, d.at, d.status ?? '', refText(d.ref)]),
            },
          ]
        : [
            {
              kind: 'paragraph',
              text: deployments
                ? 'No deployment of this model version is recorded.'
                : 'No deployment source is configured, so deployments cannot be listed.',
              tone: 'note',
            },
          ],
    },
    {
      id: 'decisions',
      heading: 'Decisions',
      blocks: [
        ...(total ? [{ kind: 'chart' as const, chart: timeline.chart('decisions-over-time') }] : []),
        {
          kind: 'records',
          caption: 'Every decision about this model version, with its violations and evidence',
        },
      ],
    },
  ];

  return {
    meta: reportMeta(
      'model-compliance',
      format,
      `Model compliance: ${model.group} version ${model.version}`,
      parameters,
      inputs,
    ),
    summary,
    sections,
    records: {
      key: 'decisions',
      total,
      csvColumns: MODEL_COMPLIANCE_CSV_COLUMNS,
      viewColumns: ['evaluated at', 'decision', 'risk class', 'violations', 'policy', 'ledger'],
      items: () =>
        records(inputs, total, (d, ref) => {
          const common = [
            d.id,
            d.evaluatedAt,
            d.subject.group,
            d.subject.version,
            d.decision,
            d.riskClass ?? '',
          ];
          const tail = [
            d.policy.version,
            d.policy.bundleSha256,
            d.inputSha256,
            ref?.ledgerIndex === undefined ? '' : String(ref.ledgerIndex),
            ref?.entryHash ?? '',
          ];
          const csv = d.violations.length
            ? d.violations.map((v) => {
                const a = annotations(v);
                return [
                  ...common,
                  v.rule,
                  v.severity,
                  v.reference,
                  v.message,
                  v.remediation,
                  a.mode,
                  a.waiverId,
                  ...tail,
                ];
              })
            : [[...common, '', '', '', '', '', '', '', ...tail]];
          return {
            json: decisionJson(d, ref),
            csv,
            view: {
              cells: [
                d.evaluatedAt,
                d.decision,
                d.riskClass ?? '',
                String(d.violations.length),
                d.policy.version,
                refText(ref),
              ],
              lines: decisionLines(d),
            },
          };
        }),
    },
  };
}
