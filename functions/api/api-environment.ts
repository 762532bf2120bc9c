/** The configuration the API function reads from its Lambda environment (set by the CDK stack). */
import { z } from 'zod';
import { ROLES } from '../contracts/principal.ts';
import { parseOrThrow } from '../shared/validation.ts';

const roleMap = z.preprocess(
  (text) => {
    if (typeof text !== 'string') return text;
    try {
      return JSON.parse(text);
    } catch {
      return text; // reported below as "expected record"
    }
  },
  z.record(z.string(), z.enum(ROLES)),
);

const apiEnvironmentSchema = z.looseObject({
  VERDICT_ENVIRONMENT: z.string().min(1),
  VERDICT_DECISIONS_TABLE: z.string().min(1),
  VERDICT_MODEL_PACKAGE_GROUP_PREFIX: z.string().default(''),
  /** JSON: IAM role or user ARN -> role. */
  VERDICT_API_ROLE_MAP: roleMap.default({}),
  VERDICT_API_JWT_GROUPS_CLAIM: z.string().min(1).optional(),
  /** JSON: group -> role, for the JWT authoriser. */
  VERDICT_API_JWT_GROUP_ROLES: roleMap.default({}),
  /** Reports: all three set, or the report routes answer 503. */
  VERDICT_REPORTS_BUCKET: z.string().min(1).optional(),
  VERDICT_REPORT_JOBS_TABLE: z.string().min(1).optional(),
  VERDICT_EVENT_BUS_NAME: z.string().min(1).optional(),
  VERDICT_REPORT_RETENTION_DAYS: z.coerce.number().int().min(1).default(365),
});

export type ApiEnvironment = z.output<typeof apiEnvironmentSchema>;

export function readApiEnvironment(env: NodeJS.ProcessEnv = process.env): ApiEnvironment {
  return parseOrThrow(apiEnvironmentSchema, env, 'configuration.invalid', 'env');
}
