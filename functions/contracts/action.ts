/** Something Verdict did because of a decision: approved a package, deployed, rolled back, quarantined. */
import { z } from 'zod';

export const actionRecordSchema = z.object({
  id: z.string(),
  decisionId: z.string().optional(),
  kind: z.string(),
  target: z.string(),
  outcome: z.enum(['succeeded', 'failed', 'skipped']),
  at: z.string(),
  detail: z.string().optional(),
  /** `sha256:<hex>` of the canonical JSON of what the action fixed, e.g. the spec a later rollback restores. */
  digest: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/)
    .optional(),
});
export type ActionRecord = z.infer<typeof actionRecordSchema>;
