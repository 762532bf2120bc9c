/** The auditor API's Lambda environment, set by the CDK stack (infra/function-table.ts). */
import { z } from 'zod';
import { ROLES } from '../contracts/principal.ts';
import {
  days,
  type LedgerVariables,
  MAX_RETENTION_DAYS,
  parseEnvironment,
  powertoolsSchema,
  type VariablesOf,
  verdictSchema,
} from '../shared/environment.ts';

const roleMap = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON object' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), z.enum(ROLES)));

const apiSchema = z.object({
  ...verdictSchema.shape,
  ...powertoolsSchema.shape,
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
  VERDICT_REPORT_RETENTION_DAYS: days(MAX_RETENTION_DAYS).default(365),
  VERDICT_DEPLOYMENTS_TABLE: z.string().min(1).optional(),
});

export type ApiEnvironment = z.output<typeof apiSchema>;
/** What the stack sets: these and the ledger's variables (read when the ledger opens). */
export type ApiVariables = VariablesOf<typeof apiSchema> & LedgerVariables;

export function readApiEnvironment(env: NodeJS.ProcessEnv = process.env): ApiEnvironment {
  return parseEnvironment(apiSchema, env);
}
