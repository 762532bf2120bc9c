/**
 * Registering a dataset version: the data is read (hash, header, label counts; PII scan of a bounded
 * sample), the data gate decides, then, and only then, the data is stored, the decision recorded in the
 * ledger, the subject index built and the version recorded (ledger entry `dataset/<id>`). Bad input (an
 * unreadable CSV) throws before anything is written. Registering the same data and manifest again is
 * idempotent: the same ids, the index rebuilt in place.
 */
import type { DatasetManifest } from '../contracts/dataset-manifest.ts';
import type { DatasetVersion } from '../contracts/dataset-version.ts';
import type { Decision } from '../contracts/decision.ts';
import { type DataGateDeps, decideData } from '../gates/data/data-gate.ts';
import { buildDataInput, type DataPiiEvidence } from '../gates/data/data-input.ts';
import { profileCsv } from '../gates/data/dataset-profile.ts';
import type { ByteSource } from '../gates/pii/byte-source.ts';
import { PiiScanError } from '../gates/pii/errors.ts';
import { PiiCollector, scanSource } from '../gates/pii/scanner.ts';
import { DEFAULT_TRAINING_DATA_SAMPLE_BYTES } from '../gates/pii/training-data.ts';
import type { DatasetVersions } from '../ports/dataset-versions.ts';
import type { DecisionStore } from '../ports/decision-store.ts';
import type { SubjectIndex } from '../ports/subject-index.ts';
import type { SubjectKeyHasher } from '../ports/subject-key-hasher.ts';
import { canonicalSha256 } from '../shared/hashing.ts';
import { buildSubjectIndex } from './build-subject-index.ts';

/** The data to register: read as many times as needed, streamed each time. */
export interface DatasetSource {
  /** Names it in messages (the file or URI the user gave). */
  name: string;
  /** Where it is (or will be) stored: s3://bucket/key. */
  uri: string;
  s3VersionId?: string;
  open(): Promise<AsyncIterable<Uint8Array>>;
  bytes: ByteSource;
  /** Stores the data at `uri` when it is not there yet (a local file); called once the gate has decided. */
  store?: () => Promise<void>;
}

export interface RegisterDatasetDeps extends DataGateDeps {
  decisions: DecisionStore;
  versions: DatasetVersions;
  index: SubjectIndex;
  hasher: SubjectKeyHasher;
  /** Bytes of data scanned for PII at most (default 8 MiB, as the registry gate). */
  piiSampleBytes?: number;
}

export interface Registration {
  decision: Decision;
  version: DatasetVersion;
  /** Time spent building the subject index, for throughput figures. */
  indexMs: number;
}

export async function registerDataset(
  manifest: DatasetManifest,
  data: DatasetSource,
  deps: RegisterDatasetDeps,
): Promise<Registration> {
  const profile = await profileCsv(await data.open(), manifest.fairness, data.name);
  const pii = await scanForPii(data.bytes, deps.piiSampleBytes ?? DEFAULT_TRAINING_DATA_SAMPLE_BYTES);
  const decided = await decideData(buildDataInput(manifest, data.uri, profile, pii), deps);
  await data.store?.();
  const { stored: decision } = await deps.decisions.record(decided);
  const versionId = decision.subject.id;
  const keys = manifest.subjectKeys.filter((key) => profile.header.includes(key));
  const started = performance.now();
  const indexed =
    keys.length === 0
      ? undefined
      : await buildSubjectIndex(await data.open(), keys, versionId, {
          hasher: deps.hasher,
          index: deps.index,
        });
  const indexMs = performance.now() - started;
  const version = await deps.versions.record({
    id: versionId,
    name: manifest.name,
    uri: data.uri,
    ...(data.s3VersionId && { s3VersionId: data.s3VersionId }),
    sha256: profile.sha256,
    bytes: profile.bytes,
    rows: profile.rows,
    manifestSha256: canonicalSha256(manifest),
    decisionId: decision.id,
    decision: decision.decision,
    ...(indexed && { subjectIndex: { keyId: deps.hasher.keyId, rows: indexed.rows } }),
    registeredAt: decision.evaluatedAt,
  });
  return { decision, version, indexMs };
}

async function scanForPii(source: ByteSource, sampleBytes: number): Promise<DataPiiEvidence> {
  try {
    const scan = await scanSource(
      source,
      { sampleBytes, maxFindings: 0, format: 'csv' },
      new PiiCollector(0),
    );
    return {
      status: 'scanned',
      sampled: scan.sampled,
      rowsScanned: scan.rows,
      bytesScanned: scan.bytesScanned,
      columns: scan.columns,
    };
  } catch (error) {
    if (error instanceof PiiScanError) return { status: 'unreadable', reason: error.detail };
    throw error;
  }
}
