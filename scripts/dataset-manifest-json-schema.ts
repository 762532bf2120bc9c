/**
 * The JSON Schema of the dataset manifest (docs/dataset-manifest.schema.json), generated from its zod schema
 * with zod's `toJSONSchema`, descriptions from the schema's `.meta()`: the document cannot say something
 * the validator does not enforce (the distinct-columns refinement is the validator's alone).
 */
import { z } from 'zod';
import { datasetManifestSchema } from '../functions/contracts/dataset-manifest.ts';

export const DATASET_MANIFEST_SCHEMA_PATH = 'docs/dataset-manifest.schema.json';

export function datasetManifestJsonSchemaText(): string {
  const schema = z.toJSONSchema(datasetManifestSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
