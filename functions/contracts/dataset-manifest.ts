/**
 * The dataset manifest: the small JSON document registered next to a dataset (`verdict dataset register`).
 * It says who owns the data, on which GDPR Art. 6(1) ground it is processed, which columns identify a person
 * (the subject keys the erasure workflow looks people up by), which columns hold personal data, how long it
 * is kept, the risk class of the systems trained on it, and, for Art. 10(2)(f), which facet and label the
 * pre-training bias metrics compare. The data gate checks the data against it: a manifest that lies about
 * its columns is denied.
 */
import { z } from 'zod';
import { RISK_CLASSES } from './classification.ts';

/** GDPR Art. 6(1)(a)-(f), as words. */
export const LEGAL_BASES = [
  'consent',
  'contract',
  'legal_obligation',
  'vital_interests',
  'public_task',
  'legitimate_interests',
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** The Art. 6(1) point of each basis, for explanations. */
export const LEGAL_BASIS_ARTICLE: Record<LegalBasis, string> = {
  consent: 'Art. 6(1)(a)',
  contract: 'Art. 6(1)(b)',
  legal_obligation: 'Art. 6(1)(c)',
  vital_interests: 'Art. 6(1)(d)',
  public_task: 'Art. 6(1)(e)',
  legitimate_interests: 'Art. 6(1)(f)',
};

export const DATASET_MANIFEST_INVALID = 'dataset.manifest_invalid';

const columnName = z.string().trim().min(1, 'a column name must not be empty').max(256);
const columnList = z
  .array(columnName)
  .refine((columns) => new Set(columns).size === columns.length, 'column names must be distinct');
const labelValue = z.string().min(1, 'must not be empty');

const fairnessSchema = z.strictObject({
  facet: z.strictObject({
    column: columnName.meta({ description: 'The column holding the sensitive attribute (e.g. gender)' }),
    sensitive: z
      .array(labelValue)
      .min(1, 'name at least one sensitive value')
      .meta({ description: 'The value(s) of the disadvantaged facet d; every other value is facet a' }),
  }),
  label: z.strictObject({
    column: columnName.meta({ description: 'The label column (the outcome the model learns)' }),
    positive: labelValue.meta({
      description: 'The positive (favourable) label value; any other is negative',
    }),
  }),
  groups: columnName
    .optional()
    .meta({ description: 'The column of the group attribute CDDL is conditioned on (e.g. region)' }),
});

export const datasetManifestSchema = z
  .strictObject({
    name: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9._-]{0,127}$/,
        'must be 1-128 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit',
      )
      .meta({ description: 'The dataset name; versions are registered under it' }),
    owner: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(256)
      .meta({ description: 'The accountable team or role (not a person)' }),
    legalBasis: z
      .enum(LEGAL_BASES)
      .optional()
      .meta({ description: 'The GDPR Art. 6(1) ground of the processing; without one the data gate denies' }),
    subjectKeys: columnList.meta({
      description: 'The columns whose values identify a person (the erasure workflow looks them up)',
    }),
    piiColumns: columnList.meta({ description: 'Every column that holds personal data' }),
    retentionDays: z
      .number()
      .int('must be a whole number of days')
      .min(1, 'must be at least 1')
      .max(36_500, 'must be at most 36500 (100 years)')
      .meta({ description: 'How long the data is kept, in days' }),
    riskClass: z
      .enum(RISK_CLASSES)
      .meta({ description: 'The EU AI Act risk class of the systems trained on the data' }),
    fairness: fairnessSchema
      .optional()
      .meta({ description: 'What the pre-training bias metrics compare (Art. 10(2)(f))' }),
  })
  .meta({ title: 'Verdict dataset manifest' });

export type DatasetManifest = z.infer<typeof datasetManifestSchema>;
export type FairnessSpec = NonNullable<DatasetManifest['fairness']>;

/** Every column the manifest names, each once, in the order it names them. */
export function manifestColumns(manifest: DatasetManifest): string[] {
  const { fairness } = manifest;
  const named = [
    ...manifest.subjectKeys,
    ...manifest.piiColumns,
    ...(fairness ? [fairness.facet.column, fairness.label.column] : []),
    ...(fairness?.groups ? [fairness.groups] : []),
  ];
  return [...new Set(named)];
}
