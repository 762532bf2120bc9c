/**
 * The Lambda environment variables more than one function reads, and how each function's environment
 * module parses its own. Environment modules import only zod: the CDK stack imports them to set the
 * variables, so a missing or misspelt variable is a type error there and a clear error at cold start here.
 */
import { z } from 'zod';
import { OBJECT_LOCK_MODES } from '../contracts/environment.ts';
import { parseOrThrow } from './validation.ts';

/** What the stack must set for a schema: every variable the schema reads, as a string (optional stay optional). */
export type VariablesOf<S extends z.ZodObject> = { [K in keyof z.input<S>]: string };

/** Parses `process.env` (or `env`) with a function's schema; an error names every missing or bad variable. */
export function parseEnvironment<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  return parseOrThrow(schema, env, 'configuration.invalid', 'env');
}

const required = z.string().min(1);

/** A whole number of days from 1 to `max`, as an environment variable carries it. */
export function days(max: number, message?: string) {
  const error = message ?? `must be a whole number of days from 1 to ${max}`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, { error })
    .transform(Number)
    .pipe(z.number().int().min(1, { error }).max(max, { error }));
}

/** A variable holding JSON that `schema` checks, e.g. a list of settings the stack serialised. */
export function jsonVariable<S extends z.ZodType>(schema: S, what: string) {
  return z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: `expected JSON: ${what}` });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/** Read by Powertools itself; the stack sets them on every function (powertoolsVariables). */
export const powertoolsSchema = z.object({
  POWERTOOLS_SERVICE_NAME: required.optional(),
  POWERTOOLS_METRICS_NAMESPACE: required.optional(),
  POWERTOOLS_LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL']).optional(),
});

export function powertoolsVariables(serviceName: string): Required<VariablesOf<typeof powertoolsSchema>> {
  return {
    POWERTOOLS_SERVICE_NAME: serviceName,
    POWERTOOLS_METRICS_NAMESPACE: 'Verdict',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
}

/** Every function: the deployment environment and the decisions table. */
export const verdictSchema = z.object({
  VERDICT_ENVIRONMENT: required,
  VERDICT_DECISIONS_TABLE: required,
});

/** The audit ledger's resources, as a function that writes or reads the ledger finds them. */
export const LEDGER_ENVIRONMENT = {
  tableName: 'VERDICT_LEDGER_TABLE',
  tilesBucket: 'VERDICT_LEDGER_TILES_BUCKET',
  anchorBucket: 'VERDICT_LEDGER_ANCHOR_BUCKET',
  signingKeyId: 'VERDICT_LEDGER_SIGNING_KEY_ID',
  origin: 'VERDICT_LEDGER_ORIGIN',
  checkpointRetentionDays: 'VERDICT_LEDGER_CHECKPOINT_RETENTION_DAYS',
  objectLockMode: 'VERDICT_OBJECT_LOCK_MODE',
  subjectKeysTable: 'VERDICT_SUBJECT_KEYS_TABLE',
  dataKeyId: 'VERDICT_SUBJECT_KEYS_KEY_ID',
} as const;

/** Object Lock retention of anchored checkpoints when none is configured. */
export const DEFAULT_CHECKPOINT_RETENTION_DAYS = 3650;
/** The most S3 Object Lock allows: 100 years (36,500 days). */
export const MAX_RETENTION_DAYS = 36_500;

/** S3 Object Lock retention modes, strictest first. */

/** The Object Lock mode of objects a function writes (`verdict:objectLockMode`); unset means COMPLIANCE. */
export const objectLockModeSchema = z
  .enum(OBJECT_LOCK_MODES, {
    error: `${LEDGER_ENVIRONMENT.objectLockMode} must be one of ${OBJECT_LOCK_MODES.join(', ')}`,
  })
  .default('COMPLIANCE');

const set = (name: string) =>
  z
    .string({ error: `${name} is not set` })
    .trim()
    .min(1, { error: `${name} is not set` });
const optionalSet = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

/**
 * The ledger variables. Writers need the signing key; a read-only ledger does not. `validOrigin` checks the
 * origin is a signed-note key name (the ledger passes its own rule; this module stays free of it).
 */
export function ledgerSchema(
  mode: { readOnly?: boolean } = {},
  validOrigin: (origin: string) => boolean = () => true,
) {
  return z.object({
    [LEDGER_ENVIRONMENT.tableName]: set(LEDGER_ENVIRONMENT.tableName),
    [LEDGER_ENVIRONMENT.tilesBucket]: set(LEDGER_ENVIRONMENT.tilesBucket),
    [LEDGER_ENVIRONMENT.signingKeyId]: mode.readOnly ? optionalSet : set(LEDGER_ENVIRONMENT.signingKeyId),
    [LEDGER_ENVIRONMENT.origin]: set(LEDGER_ENVIRONMENT.origin).refine(
      (origin) => origin === '' || validOrigin(origin),
      {
        error: (issue) =>
          `${LEDGER_ENVIRONMENT.origin} "${String(issue.input)}" is not a signed-note key name (no spaces or "+")`,
      },
    ),
    [LEDGER_ENVIRONMENT.checkpointRetentionDays]: z
      .string()
      .trim()
      .transform((value) => value || String(DEFAULT_CHECKPOINT_RETENTION_DAYS))
      .default(String(DEFAULT_CHECKPOINT_RETENTION_DAYS))
      .pipe(
        days(
          MAX_RETENTION_DAYS,
          `${LEDGER_ENVIRONMENT.checkpointRetentionDays} must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}`,
        ),
      ),
    [LEDGER_ENVIRONMENT.objectLockMode]: objectLockModeSchema,
    [LEDGER_ENVIRONMENT.anchorBucket]: optionalSet,
    [LEDGER_ENVIRONMENT.subjectKeysTable]: optionalSet,
    [LEDGER_ENVIRONMENT.dataKeyId]: optionalSet,
  });
}

/** What the stack sets for a ledger reader (subject keys only where granted). */
export type LedgerVariables = VariablesOf<ReturnType<typeof ledgerSchema>>;
