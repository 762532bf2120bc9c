/**
 * The report domain: what a report is built from and the format-independent document every builder
 * produces. Builders are pure (no I/O of their own: what they read comes in through `ReportInputs`), and
 * stream: the decisions are read twice (a bounded summary first, then the detail written as it is read),
 * so memory does not grow with the number of decisions.
 */
import type { Decision } from '../contracts/decision.ts';
import type { Exception } from '../contracts/exception.ts';
import type { ReportFormat, ReportRequest, ReportType } from '../ports/report-service.ts';

export type { ReportFormat, ReportRequest, ReportType };

/** What a report was asked for: the request, without anything about who asked. */
export type ReportParameters = Pick<ReportRequest, 'model' | 'version' | 'from' | 'to'>;

/**
 * Where a piece of evidence is: the ledger entry that holds it (index and RFC 6962 leaf hash, hex) when the
 * ledger has it, and/or the document it points to (an s3:// URI, a file). Every field is optional; a
 * reference with none of them is never produced.
 */
export interface EvidenceRef {
  ledgerIndex?: number;
  /** SHA-256(0x00 || entry bytes), hex: checkable against the entry and an inclusion proof. */
  entryHash?: string;
  source?: string;
}

/** The signed checkpoint the report was built from (C2SP tlog-checkpoint). */
export interface CheckpointRef {
  /** The checkpoint body: origin, size and root hash lines. */
  text: string;
  size: number;
  /** Root hash, standard base64 (as in the checkpoint body). */
  root: string;
  /** The whole signed note (body, blank line, signature lines), when known. */
  note?: string;
}

/** A deployment of a model version, when a deployment source is wired in. */
export interface Deployment {
  environment: string;
  target: string;
  at: string;
  status?: string;
  ref?: EvidenceRef;
}

/** A metric value as Clarify writes it: a number, an infinity as text, or null when not computable. */
export type MetricValue = number | string | null;

/** What is known about one model version besides its decisions: registry state and governance inputs. */
export interface ModelFacts {
  group: string;
  version: string;
  arn?: string;
  approvalStatus?: string;
  /** The AI-system profile as recorded (validated by the gate), or null when the package names none. */
  profile?: Record<string, unknown> | null;
  profileSource?: string | null;
  bias?: {
    source: string;
    label?: string;
    facets: Record<string, { value: string; metrics: Record<string, MetricValue> }[]>;
  } | null;
  /** Obligation id -> the document the package names as its evidence (present and readable). */
  obligationEvidence?: Record<string, { source: string }>;
  /** Inputs the package names that could not be read. */
  missing?: { kind: string; source: string; obligation?: string }[];
  deployments?: Deployment[];
}

/**
 * Everything a builder reads. `decisions` must be re-iterable: each `[Symbol.asyncIterator]()` starts a
 * fresh read from the beginning (a store query, not a generator object), because builders read twice.
 * It yields only the decisions the report covers, in a stable order (the store's: evaluatedAt, then
 * order of recording).
 */
export interface ReportInputs {
  decisions: AsyncIterable<Decision>;
  /** Exceptions granted for any of these subjects (group names or package ARNs). */
  exceptions: (subjects: readonly string[]) => Promise<Exception[]>;
  /** The model version the report is about (model-compliance, annex-iv). */
  model?: ModelFacts;
  /**
   * Where a decision is in the ledger, after checking that the decision read is the one its entry holds (it
   * throws when it is not); absent when no ledger is wired in.
   */
  locate?: (decision: Decision) => Promise<EvidenceRef | undefined>;
  /** Told of every decision the report lists and the ledger entry it cites, in report order. */
  onCitation?: (decision: Decision, ref: EvidenceRef) => void;
  checkpoint?: CheckpointRef;
  /** The time the report is "as of": expiry of exceptions, the generatedAt of the manifest. */
  now: Date;
  /** Reports progress: `done` decisions of `total` (unknown while the first pass counts). */
  onProgress?: (progress: Progress) => void;
}

export interface Progress {
  phase: 'scanning' | 'writing' | 'done';
  done: number;
  total?: number;
}

/** Facts about the report itself, printed in its header and repeated in the manifest. */
export interface ReportMeta {
  type: ReportType;
  format: ReportFormat;
  title: string;
  parameters: ReportParameters;
  generatedAt: string;
  generator: { name: string; version: string };
  checkpoint: CheckpointRef | null;
}

// ---- the document: bounded sections, then one streamed list of records ----

export type Tone = 'normal' | 'missing' | 'note' | 'good' | 'bad';

export interface EvidenceItem {
  /** What the section needs, e.g. "Risk management system (Art. 9)". */
  label: string;
  status: 'present' | 'missing' | 'partial' | 'not-applicable';
  detail: string;
  refs: EvidenceRef[];
}

export type ChartLayout = 'stacked' | 'grouped';

export interface Chart {
  id: string;
  title: string;
  /** Says in words what the chart shows; the figure caption and the SVG description. */
  description: string;
  layout: ChartLayout;
  categories: string[];
  series: { name: string; color: string; values: number[] }[];
  valueLabel: string;
  /** The values are counts: the value axis has whole-number ticks only. */
  counts?: boolean;
  /** False when a table right after the chart already holds its data (the text alternative). */
  dataTable?: boolean;
}

export type Block =
  | { kind: 'paragraph'; text: string; tone?: Tone }
  | { kind: 'facts'; rows: [string, string][] }
  | { kind: 'table'; caption: string; columns: string[]; rows: string[][] }
  | { kind: 'chart'; chart: Chart }
  | { kind: 'evidence'; items: EvidenceItem[] }
  /** Where the streamed records go (at most one per document). */
  | { kind: 'records'; caption: string };

export interface ReportSection {
  id: string;
  /** E.g. "1. General description of the AI system". */
  heading: string;
  blocks: Block[];
}

/** One streamed record, in the three shapes the formats need. */
export interface ReportRecord {
  /** The JSON array element. */
  json: Record<string, unknown>;
  /** CSV rows (one per decision, or one per violation: as fits the report type). */
  csv: string[][];
  /** For HTML and PDF tables: the cells, then indented lines (violations, evidence). */
  view: { cells: string[]; lines: { text: string; tone?: Tone }[] };
}

export interface ReportRecords {
  /** The JSON member that holds the array, e.g. "decisions". */
  key: string;
  csvColumns: string[];
  /** CSV rows written before the records (bounded), e.g. the Annex IV evidence of every section. */
  csvPrelude?: string[][];
  viewColumns: string[];
  /** Relative widths of the view columns in a PDF table (all 1 when absent), e.g. narrow for a version. */
  viewColumnWeights?: number[];
  /** Second pass: yields the records in order, reporting progress through `ReportInputs.onProgress`. */
  items(): AsyncIterable<ReportRecord>;
  /** How many records the first pass saw (the denominator of progress). */
  total: number;
}

export interface ReportDocument {
  meta: ReportMeta;
  /** Machine-readable summary (the JSON format's `summary` member); bounded in size. */
  summary: Record<string, unknown>;
  sections: ReportSection[];
  records: ReportRecords;
}
