/**
 * Every Lambda function of the stack, once: what it runs (its spec), what it may do (capabilities), the
 * environment its handler parses (typed by the function's environment module, so a missing or misspelt
 * variable does not compile) and what its package carries. The stack builds each entry the same way.
 */
import type { ApiVariables } from '../functions/api/environment.ts';
import type { DeploymentOrchestratorVariables } from '../functions/deployments/environment.ts';
import type { ModelRegistryGateVariables } from '../functions/gates/model-registry/environment.ts';
import { REPORT_SIGNING_KEY_VARIABLE, type ReportWorkerVariables } from '../functions/reports/environment.ts';
import { type FunctionName, type FunctionSpec, functions } from '../functions/routes.ts';
import { powertoolsVariables } from '../functions/shared/environment.ts';
import type { VerdictConfig } from './config.ts';
import type { LedgerStorage } from './constructs/ledger-storage.ts';
import { POLICY_BUNDLE_RUNTIME_PATH, policyBundleSha256 } from './constructs/verdict-function.ts';
import type { Capability, DeploymentTargets, PermissionTargets } from './function-permissions.ts';

/** The functions routes invoke (functions/routes.ts) and the auditor API, which API Gateway invokes. */
export type DeployedFunctionName = FunctionName | 'auditor-api';

/** What a function's environment is made from: the validated configuration and the stack's resources. */
export interface FunctionResources extends PermissionTargets {
  config: VerdictConfig;
  ledger: LedgerStorage;
  reportSigningKeyArn: string;
  /** The OPA bundle the gates' packages carry (read at synth for its SHA-256). */
  policyBundlePath: string;
  deployment: DeploymentTargets;
}

export interface FunctionDefinition<Variables> {
  spec: FunctionSpec;
  capabilities: readonly Capability[];
  /** `self` is the function's own execution role, created before the function (its ARN is a token). */
  environment: (resources: FunctionResources, self: { roleArn: string }) => Variables;
  /** The construct id, when it is not the PascalCase name (changing it would replace the function). */
  constructId?: string;
  /** Invoked by rules (asynchronously: retries and a failure queue) or by API Gateway (synchronously). */
  invocation: 'async' | 'sync';
  /** The package carries the OPA policy bundle. */
  policyBundle?: boolean;
  /** The package carries pdfkit's font metrics. */
  pdfFonts?: boolean;
  reservedConcurrency?: (config: VerdictConfig) => number;
  /** Seals personal data under subject keys (never destroys one). */
  subjectKeys?: boolean;
}

const modelRegistryGate: FunctionDefinition<ModelRegistryGateVariables> = {
  spec: functions['model-registry-gate'],
  capabilities: [
    'model-packages:read',
    'model-packages:approve',
    'governance-objects:read',
    'decisions:append',
    'decisions:read',
    'idempotency:use',
    'decisions:publish',
    'ledger:append',
  ],
  environment: (r) => ({
    ...r.ledger.environment(),
    VERDICT_ENVIRONMENT: r.config.environment,
    VERDICT_DECISIONS_TABLE: r.decisionsTable.tableName,
    VERDICT_IDEMPOTENCY_TABLE: r.idempotencyTable.tableName,
    VERDICT_EVENT_BUS_NAME: r.verdictBus.eventBusName,
    VERDICT_POLICY_BUNDLE: POLICY_BUNDLE_RUNTIME_PATH,
    VERDICT_POLICY_BUNDLE_SHA256: policyBundleSha256(r.policyBundlePath),
    ...powertoolsVariables('verdict'),
  }),
  invocation: 'async',
  policyBundle: true,
};

/**
 * Reads decisions, exceptions and the ledger; writes only report jobs and locked report objects (reports
 * and ledger exports alike).
 */
const reportWorker: FunctionDefinition<ReportWorkerVariables> = {
  spec: functions['report-worker'],
  capabilities: ['decisions:read', 'ledger:read', 'reports:build', 'reports:archive', 'reports:sign'],
  environment: (r) => ({
    ...r.ledger.environment(),
    VERDICT_ENVIRONMENT: r.config.environment,
    VERDICT_DECISIONS_TABLE: r.decisionsTable.tableName,
    VERDICT_REPORT_JOBS_TABLE: r.reportJobsTable.tableName,
    VERDICT_REPORTS_BUCKET: r.reportsBucket.bucketName,
    VERDICT_REPORT_RETENTION_DAYS: String(r.config.reportRetentionDays),
    [REPORT_SIGNING_KEY_VARIABLE]: r.reportSigningKeyArn,
    ...powertoolsVariables('verdict-reports'),
  }),
  invocation: 'async',
  pdfFonts: true,
  // A report streams a whole period of decisions for up to 15 minutes: a burst of export requests must
  // queue (EventBridge retries throttled deliveries for 2 h), not scale out against the tables.
  reservedConcurrency: (config) => config.reportWorkerConcurrency,
};

/**
 * Runs the deployment saga: gates a request on the registry decision (appended to the ledger like the
 * registry gate's), applies it to SageMaker, arms the bake's schedule and publishes every status change; asks
 * for the deployments the promotion rules name for an allowed model version.
 */
const deploymentOrchestrator: FunctionDefinition<DeploymentOrchestratorVariables> = {
  spec: functions['deployment-orchestrator'],
  capabilities: [
    'deployments:read',
    'deployments:write',
    'decisions:read',
    'decisions:append',
    'ledger:append',
    'model-packages:read',
    'decisions:revoke',
    'governance-objects:read',
    'sagemaker:deploy',
    'bake:schedule',
    'deployments:publish',
    'deployments:promote',
  ],
  environment: (r, self) => ({
    ...r.ledger.environment(),
    VERDICT_ENVIRONMENT: r.config.environment,
    VERDICT_DECISIONS_TABLE: r.decisionsTable.tableName,
    VERDICT_DEPLOYMENTS_TABLE: r.deploymentsTable.tableName,
    VERDICT_EVENT_BUS_NAME: r.verdictBus.eventBusName,
    VERDICT_EVENT_BUS_ARN: r.verdictBus.eventBusArn,
    VERDICT_POLICY_BUNDLE: POLICY_BUNDLE_RUNTIME_PATH,
    VERDICT_POLICY_BUNDLE_SHA256: policyBundleSha256(r.policyBundlePath),
    VERDICT_SAGEMAKER_EXECUTION_ROLE_ARN: r.deployment.sagemakerExecutionRoleArn,
    VERDICT_BAKE_SCHEDULE_GROUP: r.deployment.bakeScheduleGroupName,
    VERDICT_BAKE_SCHEDULER_ROLE_ARN: r.deployment.bakeSchedulerRoleArn,
    VERDICT_ORCHESTRATOR_ROLE_ARN: self.roleArn,
    VERDICT_OUT_OF_BAND_MODE: r.config.outOfBandMode,
    VERDICT_EKS_CLUSTERS: JSON.stringify(r.config.eksClusters),
    VERDICT_PROMOTIONS: JSON.stringify(r.config.promotions),
    ...powertoolsVariables('verdict-deployments'),
  }),
  invocation: 'async',
  policyBundle: true,
};

/** Reads decisions, exceptions and the registry; writes only its access log and report jobs. */
const auditorApi: FunctionDefinition<ApiVariables> = {
  spec: {
    entry: 'functions/api/handler.ts',
    description: 'Auditor API: decisions, model inventory, ledger proofs and report exports',
    // API Gateway waits at most 30 s for an integration.
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  capabilities: [
    'model-packages:read',
    'model-packages:list',
    'decisions:read',
    'access-log:append',
    'reports:start',
    'reports:download',
    'ledger:read',
    'deployments:read',
    'deployments:request',
  ],
  environment: (r) => ({
    VERDICT_ENVIRONMENT: r.config.environment,
    VERDICT_DECISIONS_TABLE: r.decisionsTable.tableName,
    VERDICT_DEPLOYMENTS_TABLE: r.deploymentsTable.tableName,
    VERDICT_EVENT_BUS_NAME: r.verdictBus.eventBusName,
    VERDICT_MODEL_PACKAGE_GROUP_PREFIX: r.config.modelPackageGroupPrefix,
    VERDICT_API_ROLE_MAP: JSON.stringify(r.config.apiRoleMap),
    VERDICT_API_JWT_GROUPS_CLAIM: r.config.apiJwtGroupsClaim,
    VERDICT_API_JWT_GROUP_ROLES: JSON.stringify(r.config.apiJwtGroupRoles),
    VERDICT_REPORTS_BUCKET: r.reportsBucket.bucketName,
    VERDICT_REPORT_JOBS_TABLE: r.reportJobsTable.tableName,
    VERDICT_REPORT_RETENTION_DAYS: String(r.config.reportRetentionDays),
    // The API seals who calls it and who asks for reports under their own keys (erasable by forget).
    ...r.ledger.environment({ subjectKeys: true }),
    ...powertoolsVariables('verdict-api'),
  }),
  constructId: 'AuditorApiFunction',
  invocation: 'sync',
  subjectKeys: true,
};

/** `Record<DeployedFunctionName, ...>`: a function added to the route table does not compile until it is here. */
export const FUNCTION_TABLE: Record<DeployedFunctionName, FunctionDefinition<Record<string, string>>> = {
  'model-registry-gate': modelRegistryGate,
  'report-worker': reportWorker,
  'deployment-orchestrator': deploymentOrchestrator,
  'auditor-api': auditorApi,
};
