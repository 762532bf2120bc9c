/**
 * A registered dataset version as the ledger records it (entry `dataset/<id>`): where the data is, what it
 * hashed to, the manifest it was registered with and the data gate's decision. No personal data.
 */
import { z } from 'zod';
import { outcomeSchema } from './decision.ts';

export const datasetVersionSchema = z.strictObject({
  /** `<name>@<16 hex of the data's SHA-256>.<8 hex of the manifest's>` (gates/data/data-gate.ts). */
  id: z.string().min(1),
  name: z.string().min(1),
  uri: z.string().regex(/^s3:\/\/[^/]+\/.+/),
  /** The object store's version id, where the store versions objects (S3 with versioning). */
  s3VersionId: z.string().optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  manifestSha256: z.string().regex(/^[0-9a-f]{64}$/),
  decisionId: z.string().min(1),
  decision: outcomeSchema,
  /** The HMAC key the subject index was built with, and the rows it holds; absent when not indexed. */
  subjectIndex: z.strictObject({ keyId: z.string(), rows: z.number().int().nonnegative() }).optional(),
  registeredAt: z.string(),
});
export type DatasetVersion = z.infer<typeof datasetVersionSchema>;

/** The ledger entry id of a dataset version record. */
export const datasetVersionEntryId = (versionId: string): string => `dataset/${versionId}`;
