import {
  DATASET_MANIFEST_INVALID,
  type DatasetManifest,
  datasetManifestSchema,
} from '../contracts/dataset-manifest.ts';
import { parseOrThrow } from '../shared/validation.ts';

/** The manifest or an InvalidInputError (`dataset.manifest_invalid`) listing every problem with where it is. */
export function parseDatasetManifest(value: unknown, root = ''): DatasetManifest {
  return parseOrThrow(datasetManifestSchema, value, DATASET_MANIFEST_INVALID, root);
}
