/** The report worker's Lambda environment, set by the CDK stack (infra/function-table.ts). */
import { z } from 'zod';
import {
  days,
  LEDGER_ENVIRONMENT,
  type LedgerVariables,
  MAX_RETENTION_DAYS,
  objectLockModeSchema,
  parseEnvironment,
  powertoolsSchema,
  type VariablesOf,
  verdictSchema,
} from '../shared/environment.ts';

/** The report signing key (KMS Ed25519): signs the manifests. Not the ledger's checkpoint key. */
export const REPORT_SIGNING_KEY_VARIABLE = 'VERDICT_REPORT_SIGNING_KEY_ID';

const reportWorkerSchema = z.object({
  ...verdictSchema.shape,
  ...powertoolsSchema.shape,
  VERDICT_REPORT_JOBS_TABLE: z.string().min(1),
  VERDICT_REPORTS_BUCKET: z.string().min(1),
  /** Object Lock retention of each report, in days (the `verdict:reportRetentionDays` setting). */
  VERDICT_REPORT_RETENTION_DAYS: days(MAX_RETENTION_DAYS),
  /** Object Lock mode of each report (the `verdict:objectLockMode` setting). */
  [LEDGER_ENVIRONMENT.objectLockMode]: objectLockModeSchema,
  [REPORT_SIGNING_KEY_VARIABLE]: z.string().min(1),
  [LEDGER_ENVIRONMENT.tableName]: z.string().min(1),
  [LEDGER_ENVIRONMENT.tilesBucket]: z.string().min(1),
  /** The ledger's origin: the key name on the manifest's signature line. */
  [LEDGER_ENVIRONMENT.origin]: z.string().min(1),
});

export type ReportWorkerEnvironment = z.output<typeof reportWorkerSchema>;
/** What the stack sets: these and the ledger's variables (read when the ledger opens). */
export type ReportWorkerVariables = VariablesOf<typeof reportWorkerSchema> & LedgerVariables;

export function readReportWorkerEnvironment(env: NodeJS.ProcessEnv = process.env): ReportWorkerEnvironment {
  return parseEnvironment(reportWorkerSchema, env);
}
