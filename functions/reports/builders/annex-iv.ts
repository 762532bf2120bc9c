/**
 * `annex-iv`: the nine sections of EU AI Act Annex IV for one model version, assembled from what Verdict
 * recorded (profile, bias evidence, the gate's decisions in the ledger, the evidence documents the model
 * package names). Each section lists its evidence with where it is (ledger entry index and hash, source
 * document) and marks what is missing. Section 6 (changes through the lifecycle) lists every decision
 * about every version of the model: those are the streamed records.
 */
import type { Decision, Outcome } from '../../contracts/decision.ts';
import { profileFieldLabel } from '../../gates/profile/profile-labels.ts';
import { plural } from '../../shared/plural.ts';
import { compareVersions } from '../decision-source.ts';
import { ReportInputError } from '../errors.ts';
import type {
  Block,
  EvidenceItem,
  EvidenceRef,
  ModelFacts,
  ReportDocument,
  ReportFormat,
  ReportInputs,
  ReportParameters,
  ReportSection,
} from '../report-model.ts';
import { ANNEX_IV_SECTIONS, type AnnexIvNeed } from './annex-iv-sections.ts';
import {
  biasBlocks,
  count,
  ledgerJson,
  profileRows,
  records,
  refText,
  reportMeta,
  scan,
  Timeline,
} from './shared.ts';

const ANNEX_IV_CSV_COLUMNS = ['section', 'item', 'status', 'detail', 'ledger_index', 'entry_hash', 'source'];

/** Clarify metrics that speak to accuracy for specific groups (Annex IV 3). */
const GROUP_ACCURACY_METRICS = ['AD', 'RD', 'DAR', 'DRR', 'TE', 'DCAcc'];

interface VersionStats {
  version: string;
  decisions: number;
  first: string;
  last: string;
  latest: Outcome;
  policies: Set<string>;
}

interface Facts {
  model: ModelFacts;
  total: number;
  current?: Decision;
  currentRef?: EvidenceRef;
  versions: VersionStats[];
  rules: Map<string, { reference: string; count: number }>;
  denials: number;
  inputs: ReportInputs;
}

export async function buildAnnexIv(
  format: ReportFormat,
  parameters: ReportParameters,
  inputs: ReportInputs,
): Promise<ReportDocument> {
  const model = inputs.model;
  if (!model) throw new ReportInputError('annex-iv needs a model');
  const versions = new Map<string, VersionStats>();
  const rules = new Map<string, { reference: string; count: number }>();
  const timeline = new Timeline();
  let current: Decision | undefined;
  let denials = 0;

  const total = await scan(inputs, (d) => {
    let v = versions.get(d.subject.version);
    if (!v) {
      v = {
        version: d.subject.version,
        decisions: 0,
        first: d.evaluatedAt,
        last: d.evaluatedAt,
        latest: d.decision,
        policies: new Set(),
      };
      versions.set(d.subject.version, v);
    }
    v.decisions++;
    if (d.evaluatedAt < v.first) v.first = d.evaluatedAt;
    if (d.evaluatedAt >= v.last) {
      v.last = d.evaluatedAt;
      v.latest = d.decision;
    }
    v.policies.add(d.policy.version);
    if (d.decision === 'deny') denials++;
    for (const violation of d.violations) {
      const r = rules.get(violation.rule) ?? { reference: violation.reference, count: 0 };
      r.count++;
      rules.set(violation.rule, r);
    }
    timeline.add(d);
    if (d.subject.version === model.version && (!current || d.evaluatedAt >= current.evaluatedAt))
      current = d;
  });
  const currentRef = current && inputs.locate ? await inputs.locate(current) : undefined;
  const facts: Facts = {
    model,
    total,
    ...(current ? { current } : {}),
    ...(currentRef ? { currentRef } : {}),
    versions: [...versions.values()].sort((a, b) => compareVersions(a.version, b.version)),
    rules,
    denials,
    inputs,
  };

  const assembled = ANNEX_IV_SECTIONS.map((section) => {
    const items = section.needs.map((need) => evidenceFor(need, facts));
    const complete = items.every((i) => i.status === 'present' || i.status === 'not-applicable');
    return { section, items, complete };
  });
  const missing = assembled.flatMap((a) =>
    a.items.filter((i) => i.status === 'missing' || i.status === 'partial'),
  );

  const riskClass = current?.riskClass;
  const intro: Block[] = [
    {
      kind: 'facts',
      rows: [
        ['Model', model.group],
        ['Version', model.version],
        ['Model package', model.arn ?? '(unknown)'],
        ['Risk class (latest decision)', riskClass ?? 'not classified'],
        ['Decisions about the model', count(total)],
        ['Sections complete', `${assembled.filter((a) => a.complete).length} of ${assembled.length}`],
        ['Evidence items missing', count(missing.length)],
      ],
    },
    ...(riskClass !== 'high'
      ? [
          {
            kind: 'paragraph' as const,
            text: `Annex IV technical documentation is required for high-risk AI systems (Art. 11(1)); the latest decision classifies this system as ${riskClass ?? 'not classified'}.`,
            tone: 'note' as const,
          },
        ]
      : []),
    {
      kind: 'paragraph',
      text: 'Each section lists its evidence: "present" with where it is (ledger entry index and leaf hash, source document), or "MISSING" with what is needed.',
    },
  ];

  const sections: ReportSection[] = [
    { id: 'overview', heading: 'Overview', blocks: intro },
    ...assembled.map(({ section, items, complete }) => ({
      id: `section-${section.number}`,
      heading: `${section.number}. ${section.title}`,
      blocks: [
        { kind: 'paragraph' as const, text: `Annex IV asks for: ${section.asks}`, tone: 'note' as const },
        ...(complete
          ? []
          : [
              {
                kind: 'paragraph' as const,
                text: 'This section is INCOMPLETE: evidence is missing.',
                tone: 'missing' as const,
              },
            ]),
        { kind: 'evidence' as const, items },
        ...extraBlocks(section.number, facts, timeline),
      ],
    })),
  ];

  const summary = {
    model: { group: model.group, version: model.version, arn: model.arn ?? null },
    riskClass: riskClass ?? null,
    decisions: total,
    sections: assembled.map(({ section, items, complete }) => ({
      number: section.number,
      title: section.title,
      complete,
      evidence: items,
    })),
    missing: missing.length,
    versions: facts.versions.map((v) => ({ ...v, policies: [...v.policies] })),
  };

  return {
    meta: reportMeta(
      'annex-iv',
      format,
      `EU AI Act Annex IV technical documentation: ${model.group} version ${model.version}`,
      parameters,
      inputs,
    ),
    summary,
    sections,
    records: {
      key: 'lifecycle',
      total,
      csvColumns: ANNEX_IV_CSV_COLUMNS,
      csvPrelude: assembled.flatMap(({ section, items }) =>
        items.map((i) => {
          const ledger = i.refs.find((r) => r.ledgerIndex !== undefined || r.entryHash);
          const sources = i.refs.flatMap((r) => (r.source ? [r.source] : []));
          return [
            String(section.number),
            i.label,
            i.status,
            i.detail,
            ledger?.ledgerIndex === undefined ? '' : String(ledger.ledgerIndex),
            ledger?.entryHash ?? '',
            sources.join(' '),
          ];
        }),
      ),
      viewColumns: ['evaluated at', 'version', 'decision', 'risk class', 'policy', 'ledger'],
      items: () =>
        records(inputs, total, (d, ref) => {
          const rules = [...new Set(d.violations.map((v) => v.rule))];
          return {
            json: {
              id: d.id,
              evaluatedAt: d.evaluatedAt,
              version: d.subject.version,
              modelPackageArn: d.subject.id,
              decision: d.decision,
              riskClass: d.riskClass ?? null,
              rules,
              policy: d.policy,
              inputSha256: d.inputSha256,
              ...ledgerJson(ref),
            },
            csv: [
              [
                '6',
                `decision ${d.id}: version ${d.subject.version} ${d.decision} at ${d.evaluatedAt}`,
                'present',
                rules.length ? `violations: ${rules.join(';')}` : 'no violations',
                ref?.ledgerIndex === undefined ? '' : String(ref.ledgerIndex),
                ref?.entryHash ?? '',
                '',
              ],
            ],
            view: {
              cells: [
                d.evaluatedAt,
                d.subject.version,
                d.decision,
                d.riskClass ?? '',
                d.policy.version,
                refText(ref),
              ],
              lines: rules.length ? [{ text: `violations: ${rules.join(', ')}`, tone: 'bad' }] : [],
            },
          };
        }),
    },
  };
}

function evidenceFor(need: AnnexIvNeed, f: Facts): EvidenceItem {
  const { model, current, currentRef } = f;
  const decisionRefs = currentRef ? [currentRef] : [];
  switch (need.kind) {
    case 'profile': {
      const p = model.profile;
      if (!p)
        return missing(
          'AI-system profile (intended purpose, role, use case)',
          'no readable AI-system profile is named by the model package (verdict:profile)',
          model.profileSource,
        );
      const detail = ['name', 'purpose', 'role', 'useCase']
        .flatMap((k) => (p[k] === undefined ? [] : [`${profileFieldLabel(k)}: ${String(p[k])}`]))
        .join('; ');
      return {
        label: 'AI-system profile (intended purpose, role, use case)',
        status: 'present',
        detail,
        refs: withSource(decisionRefs, model.profileSource),
      };
    }
    case 'bias': {
      const label = 'Bias examination: metrics on potentially discriminatory impacts (SageMaker Clarify)';
      if (!model.bias)
        return missing(label, 'no bias report is recorded for this version (ModelMetrics.Bias)', undefined);
      const groups = Object.values(model.bias.facets).reduce((n, v) => n + v.length, 0);
      return {
        label,
        status: 'present',
        detail: `${plural(groups, 'group')} over ${Object.keys(model.bias.facets).length === 1 ? 'facet' : 'facets'} ${Object.keys(model.bias.facets).join(', ')}`,
        refs: withSource(decisionRefs, model.bias.source),
      };
    }
    case 'group-metrics': {
      const label = 'Expected accuracy for specific groups';
      if (!model.bias) return missing(label, 'no bias report, so no per-group metrics', undefined);
      const present = GROUP_ACCURACY_METRICS.filter((m) =>
        Object.values(model.bias?.facets ?? {}).some((values) => values.some((v) => m in v.metrics)),
      );
      return present.length
        ? {
            label,
            status: 'present',
            detail: `per-group metrics: ${present.join(', ')}`,
            refs: withSource(decisionRefs, model.bias.source),
          }
        : {
            label,
            status: 'partial',
            detail: `the bias report has no accuracy metrics per group (${GROUP_ACCURACY_METRICS.join(', ')})`,
            refs: withSource(decisionRefs, model.bias.source),
          };
    }
    case 'metrics-used': {
      const label = 'Performance and fairness metrics evaluated by the gate, with their thresholds';
      const biasRules = [...f.rules].filter(([rule]) => rule.startsWith('bias.'));
      if (!model.bias && biasRules.length === 0)
        return missing(label, 'no metric has been evaluated for this model', undefined);
      const metrics = model.bias
        ? [
            ...new Set(
              Object.values(model.bias.facets).flatMap((v) => v.flatMap((g) => Object.keys(g.metrics))),
            ),
          ]
        : [];
      const thresholds = biasRules.map(([rule, r]) => `${rule} (${r.reference}): ${r.count}x`);
      return {
        label,
        status: 'present',
        detail: [
          metrics.length ? `metrics: ${metrics.join(', ')}` : '',
          thresholds.length ? `thresholds breached: ${thresholds.join('; ')}` : 'no threshold breached',
        ]
          .filter(Boolean)
          .join('; '),
        refs: decisionRefs,
      };
    }
    case 'gate-decisions': {
      const label = 'Risk controls applied: Verdict gate decisions';
      if (f.total === 0) return missing(label, 'no gate decision is recorded for this model', undefined);
      return {
        label,
        status: 'present',
        detail: `${plural(f.total, 'decision')}, ${plural(f.denials, 'denial')}; rules triggered: ${[...f.rules.keys()].join(', ') || 'none'}`,
        refs: decisionRefs,
      };
    }
    case 'ledger': {
      const label = 'Automatic logging: the Verdict audit ledger';
      const cp = f.inputs.checkpoint;
      if (!cp) return missing(label, 'no signed ledger checkpoint is available', undefined);
      return {
        label,
        status: 'present',
        detail: `signed checkpoint at tree size ${cp.size}, root ${cp.root}`,
        refs: [{ source: cp.text.split('\n')[0] ?? 'ledger' }],
      };
    }
    case 'lifecycle': {
      const label = 'Versions and gate decisions over the lifecycle';
      if (f.total === 0) return missing(label, 'no decision is recorded for any version', undefined);
      return {
        label,
        status: 'present',
        detail: `${plural(f.versions.length, 'version')}, ${plural(f.total, 'decision')} (listed below)`,
        refs: decisionRefs,
      };
    }
    case 'obligation': {
      const doc = model.obligationEvidence?.[need.id];
      const unreadable = model.missing?.find((m) => m.obligation === need.id);
      const recorded = current?.obligations.find((o) => o.ref === need.ref);
      if (recorded?.satisfied === false && !doc)
        return missing(
          need.label,
          `the latest decision found no evidence (evidence manifest key "${need.id}")`,
          undefined,
          decisionRefs,
        );
      if (doc)
        return {
          label: need.label,
          status: 'present',
          detail: recorded?.satisfied ? 'evidenced in the latest decision' : 'named by the model package',
          refs: withSource(recorded?.satisfied ? decisionRefs : [], doc.source),
        };
      if (recorded?.satisfied)
        return {
          label: need.label,
          status: 'present',
          detail: 'evidenced in the latest decision',
          refs: decisionRefs,
        };
      if (unreadable)
        return missing(need.label, `named but could not be read: ${unreadable.source}`, unreadable.source);
      return missing(need.label, `no evidence document (evidence manifest key "${need.id}")`, undefined);
    }
  }
}

function missing(
  label: string,
  detail: string,
  source: string | null | undefined,
  refs: EvidenceRef[] = [],
): EvidenceItem {
  return { label, status: 'missing', detail, refs: withSource(refs, source) };
}

function withSource(refs: EvidenceRef[], source: string | null | undefined): EvidenceRef[] {
  return source ? [...refs, { source }] : refs;
}

function extraBlocks(section: number, f: Facts, timeline: Timeline): Block[] {
  switch (section) {
    case 1:
      return f.model.profile ? [{ kind: 'facts', rows: profileRows(f.model.profile) }] : [];
    case 2:
      return biasBlocks(f.model, 'bias-metrics').filter(
        (b) => b.kind !== 'paragraph' || b.tone !== 'missing',
      );
    case 6:
      return [
        {
          kind: 'table',
          caption: 'Versions of the model and their gate decisions',
          columns: [
            'version',
            'decisions',
            'first decision',
            'last decision',
            'latest outcome',
            'policy versions',
          ],
          rows: f.versions.map((v) => [
            v.version,
            count(v.decisions),
            v.first,
            v.last,
            v.latest,
            [...v.policies].join(', '),
          ]),
        },
        ...(f.total ? [{ kind: 'chart' as const, chart: timeline.chart('decisions-over-time') }] : []),
        { kind: 'records', caption: 'Every gate decision about the model, in order' },
      ];
    default:
      return [];
  }
}
