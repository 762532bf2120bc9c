/**
 * What the `data` policy sees (policies/gates/data.rego): the manifest, the facts read from the data (hash,
 * size, header, rows), the PII scan's counts per column (never values nor previews) and the pre-training
 * bias metrics. The policy compares them; nothing here decides.
 */
import type { DatasetManifest } from '../../contracts/dataset-manifest.ts';
import type { PiiSummary } from '../pii/entities.ts';
import type { DatasetProfile } from './dataset-profile.ts';
import { type PretrainingMetrics, pretrainingMetrics } from './pretraining-metrics.ts';

/** The PII evidence: counts per column from the scanner, or why the data could not be scanned. */
export type DataPiiEvidence =
  | {
      status: 'scanned';
      sampled: boolean;
      rowsScanned: number;
      bytesScanned: number;
      columns: Record<string, PiiSummary>;
    }
  | { status: 'unreadable'; reason: string };

export interface DataGateInput {
  gate: 'data';
  manifest: DatasetManifest;
  dataset: { name: string; uri: string; sha256: string; bytes: number; rows: number; header: string[] };
  pii: DataPiiEvidence;
  /** Present when the manifest's fairness columns are all in the data. */
  bias?: { metrics: PretrainingMetrics; skippedRows: number };
}

export function buildDataInput(
  manifest: DatasetManifest,
  uri: string,
  profile: DatasetProfile,
  pii: DataPiiEvidence,
): DataGateInput {
  const { labels } = profile;
  return {
    gate: 'data',
    manifest,
    dataset: {
      name: manifest.name,
      uri,
      sha256: profile.sha256,
      bytes: profile.bytes,
      rows: profile.rows,
      header: profile.header,
    },
    pii,
    ...(labels && {
      bias: {
        metrics: pretrainingMetrics(labels.total, labels.byGroup?.values()),
        skippedRows: labels.skipped,
      },
    }),
  };
}
