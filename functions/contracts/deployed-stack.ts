/**
 * A deployed Verdict stack as the CLI reaches it (`--stack NAME`): the names of its stores, read from the
 * stack's CloudFormation outputs (infra/verdict-stack.ts, infra/constructs/ledger-storage.ts). The output
 * keys are the stack's; `STACK_OUTPUT_KEYS` maps them to the fields here.
 */
import { z } from 'zod';
import { OBJECT_LOCK_MODES } from './environment.ts';

/** The outputs every Verdict stack has; without them a stack is not one the CLI can reach. */
export const REQUIRED_STACK_OUTPUTS = [
  'LedgerTableName',
  'LedgerTilesBucketName',
  'LedgerAnchorBucketName',
  'LedgerSigningKeyArn',
  'LedgerOrigin',
  'DecisionsTableName',
  'EventBusName',
  'ReportJobsTableName',
  'ReportsBucketName',
  'AuditorApiUrl',
] as const;

/** Outputs added later: a stack deployed before them lacks them, and only the commands that need them fail. */
export const OPTIONAL_STACK_OUTPUTS = [
  'SubjectKeysTableName',
  'SubjectKeysKeyArn',
  'LedgerCheckpointRetentionDays',
  'ObjectLockMode',
  'ModelPackageGroupPrefix',
  'AuditorApiJwtUrl',
  'DeploymentsTableName',
] as const;

export type StackOutputKey =
  | (typeof REQUIRED_STACK_OUTPUTS)[number]
  | (typeof OPTIONAL_STACK_OUTPUTS)[number];

const name = z.string().trim().min(1);

export const deployedStackSchema = z.strictObject({
  stackName: name,
  region: name,
  ledger: z.strictObject({
    table: name,
    tilesBucket: name,
    anchorBucket: name,
    signingKeyArn: name,
    origin: name,
    checkpointRetentionDays: z.coerce.number().int().min(1).optional(),
    objectLockMode: z.enum(OBJECT_LOCK_MODES).optional(),
  }),
  subjectKeys: z.strictObject({ table: name, keyArn: name }).optional(),
  decisionsTable: name,
  eventBusName: name,
  reports: z.strictObject({ jobsTable: name, bucket: name }),
  /** The deployment orchestrator's table; a stack deployed before deployments has none. */
  deploymentsTable: name.optional(),
  auditorApiUrl: z.url(),
  auditorApiJwtUrl: z.url().optional(),
  /** Only model package groups whose names start with this are governed ("" for all). */
  modelPackageGroupPrefix: z.string().optional(),
});
export type DeployedStack = z.infer<typeof deployedStackSchema>;
