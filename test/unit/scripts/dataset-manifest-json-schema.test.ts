/** docs/dataset-manifest.schema.json is what the zod schema generates. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DATASET_MANIFEST_SCHEMA_PATH,
  datasetManifestJsonSchemaText,
} from '../../../scripts/dataset-manifest-json-schema.ts';
import { ROOT } from '../../support/cli.ts';

describe('the dataset manifest JSON Schema', () => {
  it('is current (npm run build:dataset-manifest-schema)', () => {
    expect(readFileSync(join(ROOT, DATASET_MANIFEST_SCHEMA_PATH), 'utf8')).toBe(
      datasetManifestJsonSchemaText(),
    );
  });

  it('refuses unknown fields and requires what the validator requires', () => {
    const schema = JSON.parse(datasetManifestJsonSchemaText());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual([
      'name',
      'owner',
      'subjectKeys',
      'piiColumns',
      'retentionDays',
      'riskClass',
    ]);
    expect(schema.properties.legalBasis.enum).toEqual([
      'consent',
      'contract',
      'legal_obligation',
      'vital_interests',
      'public_task',
      'legitimate_interests',
    ]);
  });
});
