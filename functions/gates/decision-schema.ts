import { z } from 'zod';
import { policyResultSchema } from './policy/policy-result.ts';

/** A decision document as stored and exported, for reading one back (e.g. `verdict explain`). */
export const decisionSchema = policyResultSchema.extend({
  id: z.string().min(1),
  gate: z.string().min(1),
  subject: z.looseObject({ kind: z.string(), id: z.string(), group: z.string(), version: z.string() }),
  policy: z.object({ bundleSha256: z.string(), version: z.string(), entrypoint: z.string() }),
  inputSha256: z.string(),
  evaluatedAt: z.string(),
  trigger: z.object({ eventId: z.string(), source: z.string(), detailType: z.string() }),
});
