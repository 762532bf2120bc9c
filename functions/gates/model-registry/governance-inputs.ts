/**
 * Loads what a model package points to: its AI-system profile, its bias evidence and the evidence it
 * holds for each regulatory obligation.
 *
 * A package names its inputs in `CustomerMetadataProperties`:
 * - `verdict:profile`: the s3:// URI of the AI-system profile JSON;
 * - `verdict:evidence`: the s3:// URI of an evidence manifest, `{"<obligation id>": "s3://..."}`, naming
 *   one document per obligation (risk management, technical documentation, ...).
 * - `verdict:training-data`: the s3:// URI of the training data (one CSV, TSV, JSONL, Parquet or text
 *   object), scanned for PII with a bounded sample; the counts found are `evidence.pii`.
 * Its bias evidence is the Clarify report in `ModelMetrics.Bias` (post-training report preferred, then
 * the combined report, then pre-training).
 */
import { z } from 'zod';
import type { ModelPackage } from '../../ports/model-registry.ts';
import type { ObjectStore } from '../../ports/object-store.ts';
import { describeIssues, InvalidInputError } from '../../shared/validation.ts';
import { type BiasEvidence, parseClarifyReport } from '../bias/clarify-report.ts';
import type { PiiEvidence, TrainingDataScanOptions } from '../pii/training-data.ts';
import type { AiSystemProfile } from '../profile/ai-system-profile.ts';
import { parseProfile } from '../profile/parse-profile.ts';

export const PROFILE_METADATA_KEY = 'verdict:profile';
const EVIDENCE_MANIFEST_METADATA_KEY = 'verdict:evidence';
export const TRAINING_DATA_METADATA_KEY = 'verdict:training-data';

export interface MissingEvidence {
  /** A key of the policy's `verdict.config.evidence.kinds`. */
  kind: 'profile' | 'bias_report' | 'evidence_manifest' | 'obligation_evidence' | 'training_data';
  source: string;
  /** For obligation evidence: which obligation the document was meant to show. */
  obligation?: string;
}

export interface GovernanceInputs {
  profile: AiSystemProfile | null;
  profileSource: string | null;
  evidence: {
    bias: BiasEvidence | null;
    /** Obligation id -> the document that evidences it (present and readable). */
    obligations: Record<string, { source: string }>;
    /** PII found in the training data the package names (null: it names none, or it was unreadable). */
    pii: PiiEvidence | null;
    /** Inputs the package names that could not be read: each one is a reason to deny. */
    missing: MissingEvidence[];
  };
}

/**
 * Why a pointer is not an s3://bucket/key URI Verdict reads, or undefined when it is one. A `.` or `..`
 * key segment is refused: the local object store maps keys to files, and S3 would take it literally.
 */
export function pointerProblem(uri: string): string | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) return 'expected an s3://bucket/key URI';
  return dotSegmentProblem(match[2] as string);
}

function dotSegmentProblem(key: string): string | undefined {
  const segments = key.split('/');
  if (segments.some((s) => s === '.' || s === '..' || s.includes('\\')))
    return 'expected an s3://bucket/key URI without "." or ".." segments or backslashes';
  return undefined;
}

const s3PointerSchema = z.string().superRefine((uri, ctx) => {
  const problem = pointerProblem(uri);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const evidenceManifestSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, { message: 'obligation ids are snake_case' }),
  s3PointerSchema,
);

/** Every pointer the package names is a URI Verdict reads, else the package is bad input (nothing read). */
function checkPointers(pkg: ModelPackage): void {
  const pointers: [string, string | undefined][] = [
    [`CustomerMetadataProperties.${PROFILE_METADATA_KEY}`, pkg.customerMetadata[PROFILE_METADATA_KEY]],
    [
      `CustomerMetadataProperties.${EVIDENCE_MANIFEST_METADATA_KEY}`,
      pkg.customerMetadata[EVIDENCE_MANIFEST_METADATA_KEY],
    ],
    [
      `CustomerMetadataProperties.${TRAINING_DATA_METADATA_KEY}`,
      pkg.customerMetadata[TRAINING_DATA_METADATA_KEY],
    ],
    ['ModelMetrics.Bias.PreTrainingReport.S3Uri', pkg.biasReports.preTraining],
    ['ModelMetrics.Bias.PostTrainingReport.S3Uri', pkg.biasReports.postTraining],
    ['ModelMetrics.Bias.Report.S3Uri', pkg.biasReports.report],
  ];
  const problems = pointers.flatMap(([where, uri]) => {
    // Other non-S3 pointers stay unreadable evidence (a deny); a dot segment is never read at all.
    const key = uri === undefined ? undefined : /^s3:\/\/[^/]+\/(.+)$/.exec(uri)?.[1];
    const problem = key === undefined ? undefined : dotSegmentProblem(key);
    return problem ? [`${where}: ${JSON.stringify(uri)}: ${problem}`] : [];
  });
  if (problems.length) throw new InvalidInputError('evidence.invalid', problems);
}

export async function loadGovernanceInputs(
  pkg: ModelPackage,
  objects: ObjectStore,
  options: { trainingData?: TrainingDataScanOptions } = {},
): Promise<GovernanceInputs> {
  checkPointers(pkg);
  // The four inputs are independent reads: fetch them together. Each loader reports what it could not
  // read in its own list, so the order of `missing` (and the input hash) does not depend on timing.
  const missing: Record<'profile' | 'bias' | 'obligations' | 'pii', MissingEvidence[]> = {
    profile: [],
    bias: [],
    obligations: [],
    pii: [],
  };
  const profileSource = pkg.customerMetadata[PROFILE_METADATA_KEY] ?? null;
  const [profile, bias, obligations, pii] = await settledInOrder([
    loadProfile(profileSource, objects, missing.profile),
    loadBiasEvidence(pkg, objects, missing.bias),
    loadObligationEvidence(
      pkg.customerMetadata[EVIDENCE_MANIFEST_METADATA_KEY],
      objects,
      missing.obligations,
    ),
    loadPiiEvidence(pkg.customerMetadata[TRAINING_DATA_METADATA_KEY], objects, missing.pii, options),
  ] as const);
  return {
    profile,
    profileSource,
    evidence: {
      bias,
      obligations,
      pii,
      missing: [...missing.profile, ...missing.bias, ...missing.obligations, ...missing.pii],
    },
  };
}

/** Like Promise.all, but when several fail the first in list order is thrown, whatever finished first. */
async function settledInOrder<T extends readonly unknown[]>(
  work: { readonly [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

async function loadProfile(
  source: string | null,
  objects: ObjectStore,
  missing: MissingEvidence[],
): Promise<AiSystemProfile | null> {
  if (!source) return null;
  const bytes = await objects.get(source);
  if (bytes) return parseProfile(bytes);
  missing.push({ kind: 'profile', source });
  return null;
}

async function loadBiasEvidence(
  pkg: ModelPackage,
  objects: ObjectStore,
  missing: MissingEvidence[],
): Promise<BiasEvidence | null> {
  const source = pkg.biasReports.postTraining ?? pkg.biasReports.report ?? pkg.biasReports.preTraining;
  if (!source) return null;
  const bytes = await objects.get(source);
  if (bytes) return parseClarifyReport(bytes, source);
  missing.push({ kind: 'bias_report', source });
  return null;
}

async function loadObligationEvidence(
  manifestSource: string | undefined,
  objects: ObjectStore,
  missing: MissingEvidence[],
): Promise<Record<string, { source: string }>> {
  if (!manifestSource) return {};
  const bytes = await objects.get(manifestSource);
  if (!bytes) {
    missing.push({ kind: 'evidence_manifest', source: manifestSource });
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new InvalidInputError('evidence.invalid', [
      `${manifestSource}: not JSON (${(error as Error).message})`,
    ]);
  }
  const manifest = evidenceManifestSchema.safeParse(json);
  if (!manifest.success) {
    throw new InvalidInputError('evidence.invalid', describeIssues(manifest.error.issues, manifestSource));
  }
  const entries = Object.entries(manifest.data);
  const present = await Promise.all(entries.map(([, source]) => objects.stat(source)));
  const obligations: Record<string, { source: string }> = {};
  entries.forEach(([obligation, source], i) => {
    if (present[i]) obligations[obligation] = { source };
    else missing.push({ kind: 'obligation_evidence', source, obligation });
  });
  return obligations;
}

async function loadPiiEvidence(
  source: string | undefined,
  objects: ObjectStore,
  missing: MissingEvidence[],
  options: { trainingData?: TrainingDataScanOptions },
): Promise<PiiEvidence | null> {
  if (!source) return null;
  // Loaded on first use: the scanner's dependencies (phone metadata, the public suffix list, Parquet)
  // then cost the cold start of no package that names no training data.
  const { scanTrainingData } = await import('../pii/training-data.ts');
  const scan = await scanTrainingData(source, objects, options.trainingData);
  if (scan.status === 'scanned') return scan.evidence;
  missing.push({ kind: 'training_data', source });
  return null;
}
