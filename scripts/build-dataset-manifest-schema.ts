/** Writes docs/dataset-manifest.schema.json from the manifest's zod schema (a unit test fails when it is stale). */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DATASET_MANIFEST_SCHEMA_PATH,
  datasetManifestJsonSchemaText,
} from './dataset-manifest-json-schema.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
writeFileSync(join(root, DATASET_MANIFEST_SCHEMA_PATH), datasetManifestJsonSchemaText());
console.error(`wrote ${DATASET_MANIFEST_SCHEMA_PATH}`);
