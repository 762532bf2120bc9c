/** What the three report builders share: the two passes with progress, the timeline, decision lines. */
import { type Decision, type Outcome, outcomeSchema } from '../../contracts/decision.ts';
import { type Exception, type ExceptionStatus, exceptionStatusAt } from '../../contracts/exception.ts';
import { renderViolation } from '../../gates/explain/render-decision.ts';
import { profileFieldLabel } from '../../gates/profile/profile-labels.ts';
import { fieldLabel, isSealedField } from '../../ledger/sealed-field.ts';
import { GENERATOR } from '../generator.ts';
import type {
  Block,
  Chart,
  EvidenceRef,
  MetricValue,
  ModelFacts,
  ReportFormat,
  ReportInputs,
  ReportMeta,
  ReportParameters,
  ReportType,
  Tone,
} from '../report-model.ts';
import { ANNEX_IV_SECTIONS } from './annex-iv-sections.ts';

export const OUTCOMES: readonly Outcome[] = outcomeSchema.options;
export const OUTCOME_COLORS: Record<Outcome, string> = {
  allow: '#1b7837',
  deny: '#b2182b',
  review: '#b35806',
};

export function reportMeta(
  type: ReportType,
  format: ReportFormat,
  title: string,
  parameters: ReportParameters,
  inputs: ReportInputs,
): ReportMeta {
  return {
    type,
    format,
    title,
    parameters: definedOnly(parameters),
    generatedAt: inputs.now.toISOString(),
    generator: GENERATOR,
    checkpoint: inputs.checkpoint ?? null,
  };
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Pass 1: visits every decision once, reporting progress as a count (the total is not known yet). */
export async function scan(inputs: ReportInputs, visit: (decision: Decision) => void): Promise<number> {
  let n = 0;
  inputs.onProgress?.({ phase: 'scanning', done: 0 });
  for await (const decision of inputs.decisions) {
    visit(decision);
    n++;
    if (n % 10_000 === 0) inputs.onProgress?.({ phase: 'scanning', done: n });
  }
  inputs.onProgress?.({ phase: 'scanning', done: n });
  return n;
}

/**
 * Pass 2: maps every decision to a record, with progress against the first pass's total. A different
 * count means the decisions changed between the passes: the report would contradict itself, so it fails.
 */
export async function* records<T>(
  inputs: ReportInputs,
  total: number,
  map: (decision: Decision, ref: EvidenceRef | undefined) => T,
): AsyncGenerator<T> {
  let n = 0;
  inputs.onProgress?.({ phase: 'writing', done: 0, total });
  for await (const decision of inputs.decisions) {
    const ref = inputs.locate ? await inputs.locate(decision) : undefined;
    if (ref) inputs.onCitation?.(decision, ref);
    yield map(decision, ref);
    n++;
    if (n % 1_000 === 0) inputs.onProgress?.({ phase: 'writing', done: Math.min(n, total), total });
  }
  if (n !== total)
    throw new Error(
      `the decisions changed while the report was built (${total} in the first pass, ${n} in the second); build it again`,
    );
  inputs.onProgress?.({ phase: 'writing', done: n, total });
}

/** Counts of outcomes per UTC day; shown per day, week or month so that a chart has at most 60 bars. */
export class Timeline {
  readonly #days = new Map<string, Record<Outcome, number>>();

  add(decision: Decision): void {
    const at = decision.evaluatedAt;
    // A UTC timestamp (what the gates write) names its day; anything else is converted.
    let day: string;
    if (at.length >= 20 && at.charCodeAt(at.length - 1) === 90 /* Z */) day = at.slice(0, 10);
    else {
      const t = Date.parse(at);
      if (Number.isNaN(t)) return;
      day = new Date(t).toISOString().slice(0, 10);
    }
    let counts = this.#days.get(day);
    if (!counts) {
      counts = { allow: 0, deny: 0, review: 0 };
      this.#days.set(day, counts);
    }
    counts[decision.decision] = (counts[decision.decision] ?? 0) + 1;
  }

  /** Buckets from the first to the last day with a decision, empty ones included. */
  buckets(): {
    unit: 'day' | 'week' | 'month';
    buckets: { label: string; counts: Record<Outcome, number> }[];
  } {
    const days = [...this.#days.keys()].sort();
    const first = days[0];
    const last = days.at(-1);
    if (!first || !last) return { unit: 'day', buckets: [] };
    const spanDays = (Date.parse(last) - Date.parse(first)) / 86_400_000 + 1;
    const unit = spanDays <= 60 ? 'day' : spanDays <= 60 * 7 ? 'week' : 'month';
    const keyOf = (day: string): string => {
      if (unit === 'day') return day;
      if (unit === 'month') return day.slice(0, 7);
      const d = new Date(`${day}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
      return `w/c ${d.toISOString().slice(0, 10)}`;
    };
    const buckets = new Map<string, Record<Outcome, number>>();
    for (let t = Date.parse(first); t <= Date.parse(last); t += 86_400_000) {
      const key = keyOf(new Date(t).toISOString().slice(0, 10));
      if (!buckets.has(key)) buckets.set(key, { allow: 0, deny: 0, review: 0 });
    }
    for (const [day, counts] of this.#days) {
      const bucket = buckets.get(keyOf(day));
      if (bucket) for (const o of OUTCOMES) bucket[o] += counts[o];
    }
    return { unit, buckets: [...buckets].map(([label, counts]) => ({ label, counts })) };
  }

  chart(id: string): Chart {
    const { unit, buckets } = this.buckets();
    return {
      id,
      title: 'Decisions over time',
      description: `Gate decisions per ${unit} (UTC), stacked by outcome: allow, deny, review.`,
      layout: 'stacked',
      categories: buckets.map((b) => b.label),
      series: OUTCOMES.map((o) => ({
        name: o,
        color: OUTCOME_COLORS[o],
        values: buckets.map((b) => b.counts[o]),
      })),
      valueLabel: 'decisions',
      counts: true,
    };
  }
}

type Annotated = Decision['violations'][number] & {
  mode?: string;
  waiver?: { id: string; approver: string; reason: string; expiresAt: string };
  waiverRefused?: string;
};

/** The violations and obligations of a decision as indented text lines (the `verdict explain` wording). */
export function decisionLines(decision: Decision): { text: string; tone?: Tone }[] {
  const lines: { text: string; tone?: Tone }[] = [];
  for (const v of decision.violations as Annotated[]) {
    const [head, ...rest] = renderViolation(v, '');
    lines.push({ text: head ?? '', tone: v.waiver ? 'note' : 'bad' });
    for (const line of rest) lines.push({ text: line.trimStart() });
  }
  for (const o of decision.obligations) {
    const state = o.satisfied === undefined ? '' : o.satisfied ? ': evidenced' : ': NO EVIDENCE';
    lines.push({
      text: `obligation ${o.ref} ${o.title}${state}`,
      tone: o.satisfied === false ? 'missing' : 'normal',
    });
  }
  lines.push({
    text: `policy ${decision.policy.version} (bundle sha256:${decision.policy.bundleSha256}); input sha256:${decision.inputSha256}`,
    tone: 'note',
  });
  return lines;
}

export function annotations(v: Decision['violations'][number]): { mode: string; waiverId: string } {
  const a = v as Annotated;
  return { mode: a.mode ?? 'enforce', waiverId: a.waiver?.id ?? '' };
}

export function refText(ref: EvidenceRef | undefined): string {
  if (!ref) return '';
  const parts: string[] = [];
  if (ref.ledgerIndex !== undefined) parts.push(`#${ref.ledgerIndex}`);
  if (ref.entryHash) parts.push(ref.entryHash.slice(0, 12));
  if (ref.source) parts.push(ref.source);
  return parts.join(' ');
}

/** How long the gate's policy evaluation took, when the decision records it; older decisions do not. */
export function evaluationLatencyMs(decision: Decision): number | undefined {
  const value = decision.evaluationMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

export function exceptionStatus(exception: Exception, now: Date): ExceptionStatus {
  return exceptionStatusAt(exception, now);
}

/**
 * An exception as a report shows it. Reports are kept write-once, so personal data stays sealed in them: the
 * approver and a revoker are shown by pseudonym and a sealed reason as such (`verdict exception list` opens
 * them).
 */
export function reportedException(e: Exception): Exception {
  const sealedReason = (reason: string) => (isSealedField(reason) ? `sealed, ${fieldLabel(reason)}` : reason);
  return {
    ...e,
    approver: fieldLabel(e.approver),
    reason: sealedReason(e.reason),
    ...(e.revokedBy !== undefined && { revokedBy: fieldLabel(e.revokedBy) }),
    ...(e.revocationReason !== undefined && { revocationReason: sealedReason(e.revocationReason) }),
  };
}

export function exceptionRows(exceptions: readonly Exception[], now: Date): string[][] {
  return exceptions
    .map(reportedException)
    .map((e) => [
      e.id,
      e.rule,
      e.subject,
      e.approver,
      e.grantedAt,
      e.expiresAt,
      exceptionStatus(e, now),
      e.reason,
    ]);
}

export const EXCEPTION_COLUMNS = [
  'id',
  'rule',
  'subject',
  'approver',
  'granted',
  'expires',
  'status',
  'reason',
];

export const count = (n: number): string => n.toLocaleString('en-US');

export function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(1)}%`;
}

export function ledgerJson(ref: EvidenceRef | undefined): Record<string, unknown> {
  return ref && (ref.ledgerIndex !== undefined || ref.entryHash) ? { ledger: ref } : {};
}

/** The decision as exported, with its ledger position when known (no copy when there is none). */
export function decisionJson(decision: Decision, ref: EvidenceRef | undefined): Record<string, unknown> {
  return ref && (ref.ledgerIndex !== undefined || ref.entryHash)
    ? { ...decision, ledger: ref }
    : (decision as unknown as Record<string, unknown>);
}

const PREFERRED_METRICS = ['DI', 'DPPL', 'AD', 'RD', 'DAR', 'DRR', 'DCAcc', 'DCR', 'TE', 'CI', 'DPL'];
const METRIC_COLORS = ['#2166ac', '#b2182b', '#5aae61', '#8073ac'];

/** The bias evidence of a model version as a chart of up to four metrics per group, and the full table. */
export function biasBlocks(model: ModelFacts | undefined, chartId: string): Block[] {
  const bias = model?.bias;
  if (!bias || Object.keys(bias.facets).length === 0)
    return [
      {
        kind: 'paragraph',
        text: 'MISSING: no bias evidence (SageMaker Clarify report) is recorded for this model version.',
        tone: 'missing',
      },
    ];
  const groups = Object.entries(bias.facets).flatMap(([facet, values]) =>
    values.map((v) => ({ label: `${facet}=${v.value}`, facet, value: v.value, metrics: v.metrics })),
  );
  const names = [...new Set(groups.flatMap((g) => Object.keys(g.metrics)))].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b),
  );
  const charted = names.slice(0, 4);
  return [
    {
      kind: 'paragraph',
      text: `Source: ${bias.source}${bias.label ? `; label ${bias.label}` : ''}. Metrics per facet value (group) as the report states them.`,
    },
    {
      kind: 'chart',
      chart: {
        id: chartId,
        title: 'Bias metrics per group',
        description: `Bias metrics (${charted.join(', ')}) for each facet value; a metric that is infinite or could not be computed is drawn as 0. The table below lists every metric.`,
        layout: 'grouped',
        categories: groups.map((g) => g.label),
        series: charted.map((name, i) => ({
          name,
          color: METRIC_COLORS[i % METRIC_COLORS.length] ?? '#333333',
          values: groups.map((g) => finite(g.metrics[name])),
        })),
        valueLabel: 'metric value',
        dataTable: false,
      },
    },
    {
      kind: 'table',
      caption: 'Bias metrics per group',
      columns: ['facet', 'value', ...names],
      rows: groups.map((g) => [g.facet, g.value, ...names.map((n) => metricText(g.metrics[n]))]),
    },
  ];
}

function rank(metric: string): number {
  const i = PREFERRED_METRICS.indexOf(metric);
  return i < 0 ? PREFERRED_METRICS.length : i;
}

function finite(value: MetricValue | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function metricText(value: MetricValue | undefined): string {
  if (value === undefined) return '';
  if (value === null) return 'n/a';
  return typeof value === 'number' ? String(Math.round(value * 1000) / 1000) : value;
}

/** The profile as rows of (human label, value), one per field, nested objects flattened in order. */
export function profileRows(profile: Record<string, unknown>, prefix = ''): [string, string][] {
  const rows: [string, string][] = [];
  for (const [key, value] of Object.entries(profile)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      rows.push(...profileRows(value as Record<string, unknown>, path));
    else
      rows.push([
        profileFieldLabel(path),
        Array.isArray(value) ? value.join(', ') || '(none)' : String(value),
      ]);
  }
  return rows;
}

/** A governance input the model package names (`ModelFacts.missing[].kind`), in words. */
const INPUT_KIND_LABELS: Readonly<Record<string, string>> = {
  profile: 'AI-system profile',
  bias_report: 'Bias report (SageMaker Clarify)',
  evidence_manifest: 'Evidence manifest',
  obligation_evidence: 'Obligation evidence document',
  training_data: 'Training data',
  model_package: 'Model package',
  governance_inputs: 'Governance inputs',
};

export const inputKindLabel = (kind: string): string =>
  Object.hasOwn(INPUT_KIND_LABELS, kind) ? (INPUT_KIND_LABELS[kind] as string) : kind;

/** An obligation by the label its Annex IV evidence item has (annex-iv-sections.ts); its id when it has none. */
export function obligationLabel(id: string): string {
  for (const section of ANNEX_IV_SECTIONS)
    for (const need of section.needs) if (need.kind === 'obligation' && need.id === id) return need.label;
  return id;
}
