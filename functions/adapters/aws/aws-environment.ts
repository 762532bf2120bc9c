import { z } from 'zod';
import { parseOrThrow } from '../../shared/validation.ts';

/** The configuration a Verdict function reads from its Lambda environment (set by the CDK stack). */
const environmentSchema = z.looseObject({
  VERDICT_ENVIRONMENT: z.string().min(1),
  VERDICT_DECISIONS_TABLE: z.string().min(1),
  VERDICT_IDEMPOTENCY_TABLE: z.string().min(1),
  VERDICT_EVENT_BUS_NAME: z.string().min(1),
  VERDICT_POLICY_BUNDLE: z.string().min(1),
});

export type AwsEnvironment = z.infer<typeof environmentSchema>;

export function readAwsEnvironment(env: NodeJS.ProcessEnv = process.env): AwsEnvironment {
  return parseOrThrow(environmentSchema, env, 'configuration.invalid', 'env');
}
