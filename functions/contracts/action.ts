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
});
export type ActionRecord = z.infer<typeof actionRecordSchema>;
