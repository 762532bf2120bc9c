/**
 * A model version's governance inputs given as local files (`verdict check`, `verdict registry register`):
 * each is put in an object store under an s3:// URI and named by the package exactly as a SageMaker package
 * names its inputs (`verdict:profile`, `verdict:training-data`, `ModelMetrics.Bias`), so the gate reads
 * them through the same loaders as in AWS.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import {
  PROFILE_METADATA_KEY,
  TRAINING_DATA_METADATA_KEY,
} from '../gates/model-registry/governance-inputs.ts';
import type { ModelContainer, ModelPackage } from '../ports/model-registry.ts';
import type { ObjectStore } from '../ports/object-store.ts';

/** Where staged inputs live: `s3://verdict-local-inputs/<group>/<content hash>/<name>`. */
export const LOCAL_INPUTS_BUCKET = 'verdict-local-inputs';

export interface LocalFile {
  /** The path the user gave (for messages). */
  path: string;
  bytes: Uint8Array;
}

export interface ModelVersionInputs {
  profile: LocalFile;
  /** A SageMaker Clarify bias report (analysis.json), already in Clarify's format. */
  biasReport?: LocalFile;
  /** Training data: a local file to stage, or an s3:// URI named as it is. */
  trainingData?: LocalFile | string;
  /** What the version runs: a container image and the model artifact it loads (staged). */
  model?: { image: string; data?: LocalFile };
}

export interface StagedInputs {
  customerMetadata: Record<string, string>;
  biasReports: ModelPackage['biasReports'];
  containers?: ModelContainer[];
}

export async function stageModelVersionInputs(
  objects: ObjectStore,
  group: string,
  inputs: ModelVersionInputs,
): Promise<StagedInputs> {
  const folder = `s3://${LOCAL_INPUTS_BUCKET}/${group.toLowerCase()}/${contentHash(inputs)}`;
  const profile = `${folder}/profile.json`;
  await objects.put(profile, inputs.profile.bytes, 'application/json');
  const customerMetadata: Record<string, string> = { [PROFILE_METADATA_KEY]: profile };
  const biasReports: ModelPackage['biasReports'] = {};
  if (inputs.biasReport) {
    biasReports.postTraining = `${folder}/clarify/analysis.json`;
    await objects.put(biasReports.postTraining, inputs.biasReport.bytes, 'application/json');
  }
  if (typeof inputs.trainingData === 'string') {
    customerMetadata[TRAINING_DATA_METADATA_KEY] = inputs.trainingData;
  } else if (inputs.trainingData) {
    // The file's name is kept: the scanner tells CSV, TSV, JSONL and Parquet apart by extension.
    const uri = `${folder}/training-data/${safeName(basename(inputs.trainingData.path))}`;
    await objects.put(uri, inputs.trainingData.bytes);
    customerMetadata[TRAINING_DATA_METADATA_KEY] = uri;
  }
  if (!inputs.model) return { customerMetadata, biasReports };
  const container: ModelContainer = { image: inputs.model.image };
  if (inputs.model.data) {
    container.modelDataUrl = `${folder}/model/${safeName(basename(inputs.model.data.path))}`;
    await objects.put(container.modelDataUrl, inputs.model.data.bytes);
  }
  return { customerMetadata, biasReports, containers: [container] };
}

function contentHash(inputs: ModelVersionInputs): string {
  const hash = createHash('sha256');
  for (const part of [
    inputs.profile,
    inputs.biasReport,
    inputs.trainingData,
    inputs.model?.image,
    inputs.model?.data,
  ]) {
    hash.update(part === undefined ? '-' : typeof part === 'string' ? part : part.bytes);
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** A file name safe as one S3 key segment (no dot segments, no separators). */
function safeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return /^\.+$/.test(cleaned) || cleaned === '' ? 'training-data' : cleaned;
}
