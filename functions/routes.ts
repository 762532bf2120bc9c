/**
 * The route table: which event pattern invokes which function. The CDK stack turns every route into an
 * EventBridge rule and the local runtime's in-process bus matches the same patterns, so a route exists once.
 */
import type { EventPattern } from './events/event-pattern.ts';

export type FunctionName = 'model-registry-gate' | 'report-worker';

export interface FunctionSpec {
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** Lambda's /tmp, in MB (512 to 10240); default 512. */
  ephemeralStorageMb?: number;
}

export interface Route {
  id: string;
  description: string;
  /** `default` is the account's default bus, where AWS services (aws.sagemaker, aws.s3) publish. */
  bus: 'default' | 'verdict';
  pattern: EventPattern;
  target: FunctionName;
}

export const functions: Record<FunctionName, FunctionSpec> = {
  'model-registry-gate': {
    entry: 'functions/gates/model-registry/handler.ts',
    description: 'Gates new model package versions in the SageMaker Model Registry',
    timeoutSeconds: 60,
    memoryMb: 1024,
  },
  'report-worker': {
    entry: 'functions/reports/handler.ts',
    description: 'Builds requested compliance reports into the Object Lock reports bucket',
    // Lambda's maximum: a report streams every decision of its period and stays in one invocation.
    timeoutSeconds: 900,
    memoryMb: 1024,
    // The report file is written to /tmp while it is hashed, then uploaded.
    ephemeralStorageMb: 4096,
  },
};

/** What the auditor API publishes when a report is requested (POST /reports); the report worker builds it. */
export const REPORT_REQUESTED_EVENT = { source: 'verdict', detailType: 'Verdict Report Requested' } as const;

/** Model package groups whose names start with this prefix are not governed (scratch work). */
export const UNGOVERNED_GROUP_PREFIX = 'sandbox-';

const modelPackagePendingApproval: EventPattern = {
  source: ['aws.sagemaker'],
  'detail-type': ['SageMaker Model Package State Change'],
  detail: {
    ModelApprovalStatus: ['PendingManualApproval'],
    ModelPackageStatus: ['Completed'],
    ModelPackageArn: [{ exists: true }],
    ModelPackageVersion: [{ numeric: ['>', 0] }],
    ModelPackageGroupName: [{ 'anything-but': { prefix: UNGOVERNED_GROUP_PREFIX } }],
  },
};

export const routes: readonly Route[] = [
  {
    id: 'model-package-pending-approval',
    description:
      'A model version registered with PendingManualApproval is evaluated by the model-registry gate',
    bus: 'default',
    pattern: modelPackagePendingApproval,
    target: 'model-registry-gate',
  },
  {
    id: 'report-requested',
    description: 'A report job recorded by the auditor API (POST /reports) is built by the report worker',
    bus: 'verdict',
    pattern: { source: [REPORT_REQUESTED_EVENT.source], 'detail-type': [REPORT_REQUESTED_EVENT.detailType] },
    target: 'report-worker',
  },
];
