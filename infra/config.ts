/**
 * Deployment configuration, read from CDK context (cdk.json or `cdk synth|deploy -c key=value`).
 *
 * Values given with `-c` arrive as strings, so lists also accept a JSON array (`'["a","b"]'`) or a
 * comma-separated string (`a,b`) and booleans accept "true" / "false". A bad value fails synth with a
 * message that names the key.
 */
import { z } from 'zod';
import { canonicalPrincipalArn, DEFAULT_GROUPS_CLAIM } from '../functions/api/auth/aws-identity.ts';
import { OUT_OF_BAND_MODES, type OutOfBandMode } from '../functions/contracts/deployment-events.ts';
import { type EksCluster, eksClustersSchema } from '../functions/contracts/eks-cluster.ts';
import { OBJECT_LOCK_MODES, type ObjectLockMode } from '../functions/contracts/environment.ts';
import { ROLES, type Role } from '../functions/contracts/principal.ts';
import { type PromotionRule, promotionRuleProblems } from '../functions/contracts/promotion-rule.ts';
import { UNGOVERNED_GROUP_PREFIX } from '../functions/routes.ts';
import { DEFAULT_CHECKPOINT_RETENTION_DAYS, MAX_RETENTION_DAYS } from '../functions/shared/environment.ts';

export const CONTEXT_KEYS = {
  environment: 'verdict:environment',
  evidenceBucketNames: 'verdict:evidenceBucketNames',
  evidenceKmsKeyArns: 'verdict:evidenceKmsKeyArns',
  modelPackageGroupPrefix: 'verdict:modelPackageGroupPrefix',
  retainData: 'verdict:retainData',
  apiRoleMap: 'verdict:apiRoleMap',
  apiJwtIssuer: 'verdict:apiJwtIssuer',
  apiJwtAudience: 'verdict:apiJwtAudience',
  apiJwtGroupsClaim: 'verdict:apiJwtGroupsClaim',
  apiJwtGroupRoles: 'verdict:apiJwtGroupRoles',
  reportRetentionDays: 'verdict:reportRetentionDays',
  breakGlassRoleArn: 'verdict:breakGlassRoleArn',
  reportWorkerConcurrency: 'verdict:reportWorkerConcurrency',
  approvalGuard: 'verdict:approvalGuard',
  checkpointRetentionDays: 'verdict:checkpointRetentionDays',
  objectLockMode: 'verdict:objectLockMode',
  operatorRoleTrust: 'verdict:operatorRoleTrust',
  sagemakerExecutionRoleArn: 'verdict:sagemakerExecutionRoleArn',
  modelArtifactLocations: 'verdict:modelArtifactLocations',
  enforceSageMakerDeployments: 'verdict:enforceSageMakerDeployments',
  outOfBandMode: 'verdict:outOfBandMode',
  eksClusters: 'verdict:eksClusters',
  promotions: 'verdict:promotions',
} as const;

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type VerdictEnvironment = (typeof ENVIRONMENTS)[number];

export interface VerdictConfig {
  environment: VerdictEnvironment;
  /** Existing buckets the gates may read AI-system profiles and evidence from (besides the governance bucket). */
  evidenceBucketNames: string[];
  /** KMS keys (key ARNs, not aliases) that encrypt objects in the evidence buckets. */
  evidenceKmsKeyArns: string[];
  /** Only model package groups whose names start with this may be described or approved; "" means all. */
  modelPackageGroupPrefix: string;
  /** Keep tables, buckets, logs and the key when the stack is deleted (and turn on deletion protection). */
  retainData: boolean;
  /** Auditor API: IAM role or user ARN -> role, for callers signing with SigV4. */
  apiRoleMap: Record<string, Role>;
  /** Auditor API: an OIDC issuer (e.g. a Cognito user pool URL) for a second, JWT-authorised endpoint; "" for none. */
  apiJwtIssuer: string;
  /** The audiences (client ids) the JWT authoriser accepts; required with an issuer. */
  apiJwtAudience: string[];
  /** The JWT claim listing the caller's groups. */
  apiJwtGroupsClaim: string;
  /** Group -> role: the only way a JWT group gets a role (a group named like a role gets none by itself). */
  apiJwtGroupRoles: Record<string, Role>;
  /** Object Lock retention of report files, in days. */
  reportRetentionDays: number;
  /**
   * The IAM role that alone may schedule deletion of, disable or re-policy the signing keys ("" for none:
   * then nobody can disable or delete them, and only CloudFormation deployments can change their policies).
   */
  breakGlassRoleArn: string;
  /** Reserved concurrency of the report worker: at most this many reports are built at once. */
  reportWorkerConcurrency: number;
  /** Create the approval guard policy (ApprovalGuard): only the gate approves governed model versions. */
  approvalGuard: boolean;
  /** Object Lock retention of the ledger's anchored checkpoints, in days. */
  checkpointRetentionDays: number;
  /**
   * Object Lock mode of the anchor and reports buckets and of every object written to them. COMPLIANCE: nobody,
   * the account root included, can delete a locked version early. GOVERNANCE: a principal allowed
   * s3:BypassGovernanceRetention can (what a throwaway deploy needs to be torn down).
   */
  objectLockMode: ObjectLockMode;
  /**
   * IAM role ARNs that may assume the stack's operator role (`verdict --stack` for exception grants and
   * revocations, erasure, reports); none: the stack creates no operator role and only its functions write.
   */
  operatorRoleTrust: string[];
  /**
   * The role SageMaker assumes to run the models Verdict deploys (passed on CreateModel); "": the stack
   * creates one that may pull images from this account's ECR, read `modelArtifactLocations` and write
   * endpoint logs.
   */
  sagemakerExecutionRoleArn: string;
  /** `s3://bucket/prefix` locations the stack's SageMaker execution role may read model artifacts from. */
  modelArtifactLocations: string[];
  /**
   * Create the deployment guard (DeploymentGuard): a deny-only policy that reserves changes to the endpoints
   * Verdict governs to the deployment orchestrator, to attach to the account's human and CI roles.
   */
  enforceSageMakerDeployments: boolean;
  /**
   * What an endpoint changed outside Verdict (CloudTrail) gets once re-gated, when it no longer serves the live
   * deployment: `alert` (publish `Verdict Out-Of-Band Deployment`), `restore` (put the last promoted deployment
   * back) or `delete` (delete the endpoint). Every mode records and publishes.
   */
  outOfBandMode: OutOfBandMode;
  /**
   * EKS clusters (this account and region) GPU workloads are deployed to: the orchestrator may describe
   * them, and the stack gives its role an access entry in each (Kubernetes group `verdict:deployers`).
   */
  eksClusters: EksCluster[];
  /**
   * Promotion rules: an approved version of a group a rule names is asked to be deployed to the rule's target
   * (a `Verdict Deployment Requested` the deployment gate decides like any other). None by default.
   */
  promotions: PromotionRule[];
}

/** The settings whose default depends on `verdict:environment`. */
export type EnvironmentDefaults = Pick<
  VerdictConfig,
  'retainData' | 'objectLockMode' | 'reportRetentionDays' | 'checkpointRetentionDays' | 'outOfBandMode'
>;

/**
 * Production keeps records for years under COMPLIANCE locks and retains its data when the stack goes; any other
 * environment locks objects for a day in GOVERNANCE mode and deletes its data with the stack, so a trial
 * deployment can be torn down the same week. An explicit key overrides its default.
 */
export const ENVIRONMENT_DEFAULTS: Readonly<Record<VerdictEnvironment, Readonly<EnvironmentDefaults>>> =
  Object.freeze({
    prod: Object.freeze({
      retainData: true,
      objectLockMode: 'COMPLIANCE',
      reportRetentionDays: 365,
      checkpointRetentionDays: DEFAULT_CHECKPOINT_RETENTION_DAYS,
      outOfBandMode: 'restore',
    }),
    staging: Object.freeze({
      retainData: false,
      objectLockMode: 'GOVERNANCE',
      reportRetentionDays: 1,
      checkpointRetentionDays: 1,
      outOfBandMode: 'alert',
    }),
    dev: Object.freeze({
      retainData: false,
      objectLockMode: 'GOVERNANCE',
      reportRetentionDays: 1,
      checkpointRetentionDays: 1,
      outOfBandMode: 'alert',
    }),
  });

/** Keys whose default follows `verdict:environment`: cdk.json leaves them out so the environment decides. */
export const ENVIRONMENT_DEFAULTED_KEYS = Object.keys(
  ENVIRONMENT_DEFAULTS.dev,
) as (keyof EnvironmentDefaults)[];

/** The configuration when no key is given (the "dev" environment's defaults). */
export const DEFAULT_CONFIG: Readonly<VerdictConfig> = Object.freeze({
  environment: 'dev',
  evidenceBucketNames: [],
  evidenceKmsKeyArns: [],
  modelPackageGroupPrefix: '',
  apiRoleMap: {},
  apiJwtIssuer: '',
  apiJwtAudience: [],
  apiJwtGroupsClaim: DEFAULT_GROUPS_CLAIM,
  apiJwtGroupRoles: {},
  breakGlassRoleArn: '',
  reportWorkerConcurrency: 2,
  approvalGuard: false,
  operatorRoleTrust: [],
  sagemakerExecutionRoleArn: '',
  modelArtifactLocations: [],
  enforceSageMakerDeployments: false,
  eksClusters: [],
  promotions: [],
  ...ENVIRONMENT_DEFAULTS.dev,
});

/** Object Lock retention is at most 100 years (36,500 days). */
const MAX_REPORT_RETENTION_DAYS = MAX_RETENTION_DAYS;

/** More concurrent report builds than this is a configuration mistake, not a need. */
const MAX_REPORT_WORKER_CONCURRENCY = 50;

type ConfigKey = keyof typeof CONTEXT_KEYS;

/** S3 bucket naming rules for general purpose buckets (3-63 chars, lowercase, no `..`, not an IP address). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;
/** A KMS key ARN: single-Region (UUID) or multi-Region (`mrk-`) key. Alias ARNs do not authorize in IAM. */
const KMS_KEY_ARN =
  /^arn:aws(-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f|-eusc)?:kms:[a-z0-9-]+:\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
/** An IAM role ARN, path included: key policies compare it exactly with aws:PrincipalArn. */
const ROLE_ARN =
  /^arn:aws(-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f|-eusc)?:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
/** `s3://bucket` or `s3://bucket/prefix`: a bucket name, then an optional key prefix. */
const S3_LOCATION = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/[^\s*?]*)?$/;
/** The start of a model package group name: SageMaker allows [a-zA-Z0-9-], starting with an alphanumeric. */
const GROUP_PREFIX = /^([a-zA-Z0-9][a-zA-Z0-9-]{0,62})?$/;

/** `-c key=a,b` and `-c 'key=["a","b"]'` both give a list; JSON lists from cdk.json pass through. */
function toList(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch {
      return value;
    }
  }
  return text === '' ? [] : text.split(',').map((item) => item.trim());
}

/** `-c 'key={"a":"b"}'` gives a JSON string; cdk.json gives the object. */
function toObject(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function roleMap(what: string, validKey: (key: string) => string | undefined = () => undefined) {
  return z.preprocess(
    toObject,
    z
      .record(
        z.string(),
        z.enum(ROLES, { error: `roles must be one of ${ROLES.map((r) => `"${r}"`).join(', ')}` }),
        {
          error: (issue) =>
            issue.code === 'invalid_type' ? `must be a JSON object of ${what} to roles` : undefined,
        },
      )
      .superRefine((map, ctx) => {
        for (const key of Object.keys(map)) {
          const problem = validKey(key);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }
      }),
  );
}

function toBoolean(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

function uniqueList<T extends z.ZodType<string>>(item: T, what: string) {
  return z.preprocess(
    toList,
    z
      .array(item, { error: `must be a list of ${what}` })
      .refine((items) => new Set(items).size === items.length, { error: 'must not repeat an entry' }),
  );
}

/** A whole number from 1 to `max`; `-c` gives its string form. */
function wholeNumber(what: string, max: number) {
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value),
    z
      .number({ error: `must be a whole number${what}` })
      .int({ error: `must be a whole number${what}` })
      .min(1, { error: 'must be at least 1' })
      .max(max, { error: `must be at most ${max}` }),
  );
}

/**
 * The orchestrator reads the rules from its Lambda environment, which holds 4 KB in all; its other variables
 * take up to about 2.5 KB (test/infra/promotions.test.ts measures them): a few rules, not a catalogue.
 */
export const MAX_PROMOTIONS_JSON_BYTES = 1536;

/** The rules with each problem located (`promotions[0].target: ...`), and a size the environment can hold. */
const promotionsSchema = z.preprocess(
  toObject,
  z.unknown().transform((rules, ctx) => {
    const problems = promotionRuleProblems(rules);
    for (const message of problems) ctx.addIssue({ code: 'custom', message });
    if (problems.length > 0) return z.NEVER;
    const bytes = Buffer.byteLength(JSON.stringify(rules));
    if (bytes > MAX_PROMOTIONS_JSON_BYTES) {
      ctx.addIssue({
        code: 'custom',
        message: `must be at most ${MAX_PROMOTIONS_JSON_BYTES} bytes of JSON (the orchestrator's environment holds them); these are ${bytes}`,
      });
      return z.NEVER;
    }
    return rules as PromotionRule[];
  }),
);

const schemas: Record<ConfigKey, z.ZodType> = {
  environment: z.enum(ENVIRONMENTS, {
    error: `must be one of ${ENVIRONMENTS.map((e) => `"${e}"`).join(', ')}`,
  }),
  evidenceBucketNames: uniqueList(
    z
      .string({ error: 'must be a list of S3 bucket names' })
      .refine((name) => BUCKET_NAME.test(name) && !name.includes('..') && !IP_ADDRESS.test(name), {
        error: (issue) =>
          `"${String(issue.input)}" is not an S3 bucket name (give names, not ARNs or s3:// URIs)`,
      }),
    'S3 bucket names',
  ),
  evidenceKmsKeyArns: uniqueList(
    z.string({ error: 'must be a list of KMS key ARNs' }).refine((arn) => KMS_KEY_ARN.test(arn), {
      error: (issue) =>
        `"${String(issue.input)}" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>; aliases are not accepted)`,
    }),
    'KMS key ARNs',
  ),
  modelPackageGroupPrefix: z
    .string({ error: 'must be a string' })
    .refine((prefix) => GROUP_PREFIX.test(prefix), {
      error:
        'must be empty or the start of a model package group name: 1-63 of [a-zA-Z0-9-], starting with a letter or digit',
    }),
  retainData: z.preprocess(toBoolean, z.boolean({ error: 'must be true or false' })),
  apiRoleMap: roleMap('IAM role or user ARNs', (arn) =>
    canonicalPrincipalArn(arn) === undefined ? `"${arn}" is not an IAM role or user ARN` : undefined,
  ),
  apiJwtIssuer: z
    .string({ error: 'must be a string' })
    .refine((url) => url === '' || /^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(url), {
      error: 'must be "" or the https:// URL of an OIDC issuer',
    }),
  apiJwtAudience: uniqueList(z.string({ error: 'must be a list of audiences' }).min(1), 'audiences'),
  apiJwtGroupsClaim: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }),
  apiJwtGroupRoles: roleMap('group names'),
  reportRetentionDays: wholeNumber(' of days', MAX_REPORT_RETENTION_DAYS),
  breakGlassRoleArn: z
    .string({ error: 'must be a string' })
    .refine((arn) => arn === '' || ROLE_ARN.test(arn), {
      error: 'must be "" or an IAM role ARN (arn:aws:iam::<account>:role/<path/><name>)',
    }),
  approvalGuard: z.preprocess(toBoolean, z.boolean({ error: 'must be true or false' })),
  reportWorkerConcurrency: wholeNumber('', MAX_REPORT_WORKER_CONCURRENCY),
  checkpointRetentionDays: z.preprocess(
    (value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value),
    z
      .number({ error: `must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}` })
      .int({ error: `must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}` })
      .min(1, { error: `must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}` })
      .max(MAX_RETENTION_DAYS, { error: `must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}` }),
  ),
  objectLockMode: z.enum(OBJECT_LOCK_MODES, {
    error: `must be one of ${OBJECT_LOCK_MODES.map((m) => `"${m}"`).join(', ')}`,
  }),
  operatorRoleTrust: uniqueList(
    z.string({ error: 'must be a list of IAM role ARNs' }).refine((arn) => ROLE_ARN.test(arn), {
      error: (issue) =>
        `"${String(issue.input)}" is not an IAM role ARN (arn:aws:iam::<account>:role/<path/><name>)`,
    }),
    'IAM role ARNs',
  ),
  sagemakerExecutionRoleArn: z
    .string({ error: 'must be a string' })
    .refine((arn) => arn === '' || ROLE_ARN.test(arn), {
      error: 'must be "" or an IAM role ARN (arn:aws:iam::<account>:role/<path/><name>)',
    }),
  modelArtifactLocations: uniqueList(
    z
      .string({ error: 'must be a list of s3:// locations' })
      .refine((uri) => S3_LOCATION.test(uri) && !uri.includes('..'), {
        error: (issue) =>
          `"${String(issue.input)}" is not an s3://bucket or s3://bucket/prefix location (no wildcards)`,
      }),
    's3:// locations',
  ),
  enforceSageMakerDeployments: z.preprocess(toBoolean, z.boolean({ error: 'must be true or false' })),
  outOfBandMode: z.enum(OUT_OF_BAND_MODES, {
    error: `must be one of ${OUT_OF_BAND_MODES.map((m) => `"${m}"`).join(', ')}`,
  }),
  // `cdk -c` passes a string: JSON is accepted there too.
  eksClusters: z.preprocess(fromJson, eksClustersSchema),
  promotions: promotionsSchema,
};

function fromJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** A validated `verdict:modelArtifactLocations` entry as bucket and key prefix ("" for the whole bucket). */
export function parseS3Location(uri: string): { bucket: string; prefix: string } {
  const match = S3_LOCATION.exec(uri);
  if (!match?.[1]) throw new ConfigError(`"${uri}" is not an s3:// location`);
  return { bucket: match[1], prefix: (match[2] ?? '').replace(/^\//, '') };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/**
 * Validates raw context values (undefined means "use the default"). Throws a ConfigError naming every bad
 * key, e.g. `Invalid Verdict configuration (CDK context):\n  verdict:environment: must be one of ... (got "qa")`.
 */
export function parseConfig(raw: Partial<Record<string, unknown>>): VerdictConfig {
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG };
  const problems: string[] = [];
  const environment = schemas.environment.safeParse(raw[CONTEXT_KEYS.environment]);
  if (environment.success)
    Object.assign(config, ENVIRONMENT_DEFAULTS[environment.data as VerdictEnvironment]);
  for (const key of Object.keys(CONTEXT_KEYS) as ConfigKey[]) {
    const contextKey = CONTEXT_KEYS[key];
    const value = raw[contextKey];
    if (value === undefined) continue;
    const result = schemas[key].safeParse(value);
    if (result.success) {
      config[key] = result.data;
    } else {
      const message = [...new Set(result.error.issues.map((issue) => issue.message))].join('; ');
      problems.push(`  ${contextKey}: ${message} (got ${describe(value)})`);
    }
  }
  if (config.environment === 'prod' && config.retainData === false) {
    problems.push(
      `  ${CONTEXT_KEYS.retainData}: must be true when ${CONTEXT_KEYS.environment} is "prod" (decisions are audit records)`,
    );
  }
  if (config.environment === 'prod' && config.objectLockMode !== 'COMPLIANCE') {
    problems.push(
      `  ${CONTEXT_KEYS.objectLockMode}: must be "COMPLIANCE" when ${CONTEXT_KEYS.environment} is "prod" (nobody may shorten a record's retention) (got ${describe(config.objectLockMode)})`,
    );
  }
  const prefix = config.modelPackageGroupPrefix as string;
  if (prefix.startsWith(UNGOVERNED_GROUP_PREFIX)) {
    problems.push(
      `  ${CONTEXT_KEYS.modelPackageGroupPrefix}: groups starting with "${UNGOVERNED_GROUP_PREFIX}" are never governed, so this prefix would govern nothing (got ${describe(prefix)})`,
    );
  } else if (prefix !== '' && UNGOVERNED_GROUP_PREFIX.startsWith(prefix)) {
    // The rule can match a prefix or exclude "sandbox-" on the group name, not both (EventBridge ORs the
    // conditions of one field); a prefix that cannot start "sandbox-" makes the exclusion implicit.
    problems.push(
      `  ${CONTEXT_KEYS.modelPackageGroupPrefix}: must not be the start of "${UNGOVERNED_GROUP_PREFIX}" (ungoverned groups); use a longer prefix (got ${describe(prefix)})`,
    );
  }
  if (config.apiJwtIssuer !== '' && (config.apiJwtAudience as string[]).length === 0) {
    problems.push(
      `  ${CONTEXT_KEYS.apiJwtAudience}: must name at least one audience when ${CONTEXT_KEYS.apiJwtIssuer} is set`,
    );
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid Verdict configuration (CDK context):\n${problems.join('\n')}`);
  }
  return config as unknown as VerdictConfig;
}

/** Reads and validates every `verdict:*` key from a construct's context (an App or any construct in it). */
export function configFromContext(node: { tryGetContext(key: string): unknown }): VerdictConfig {
  const raw: Record<string, unknown> = {};
  for (const contextKey of Object.values(CONTEXT_KEYS)) raw[contextKey] = node.tryGetContext(contextKey);
  return parseConfig(raw);
}
