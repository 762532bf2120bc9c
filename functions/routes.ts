/**
 * The route table: which event pattern invokes which function. The CDK stack turns every route into an
 * EventBridge rule and the local runtime's in-process bus matches the same patterns, so a route exists once.
 */
import {
  CLOUDTRAIL_API_CALL,
  ENDPOINT_CHANGING_CALLS,
  SAGEMAKER_EVENT_SOURCE,
} from './contracts/cloudtrail-sagemaker-call.ts';
import { ALARM_STATE_CHANGE, CLOUDWATCH_SOURCE } from './contracts/cloudwatch-alarm-state-change.ts';
import {
  DECISION_REVOKED,
  DEPLOYMENT_BAKE_ENDED,
  DEPLOYMENT_REQUESTED,
  DEPLOYMENT_ROLLBACK_REQUESTED,
  VERDICT_SOURCE,
} from './contracts/deployment-events.ts';
import {
  ENDPOINT_DEPLOYMENT_STATE_CHANGE,
  ENDPOINT_STATE_CHANGE,
} from './contracts/sagemaker-endpoint-state-change.ts';
import { DECISION_EVENT } from './contracts/verdict-decision-event.ts';
import type { EventPattern } from './events/event-pattern.ts';

export type FunctionName = 'model-registry-gate' | 'report-worker' | 'deployment-orchestrator';

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
  'deployment-orchestrator': {
    entry: 'functions/deployments/handler.ts',
    description:
      'Runs the deployment saga: gate, apply, the target events, the end of the bake, alarms, rollbacks, revocations and promotions',
    // A step calls one target API and appends to the ledger; it never waits for a rollout.
    timeoutSeconds: 120,
    memoryMb: 1024,
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

const verdictEvent = (detailType: string): EventPattern => ({
  source: [VERDICT_SOURCE],
  'detail-type': [detailType],
});

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
  {
    id: 'deployment-requested',
    description:
      'A deployment request (POST /deployments, verdict deploy) is gated, then planned and applied',
    bus: 'verdict',
    pattern: verdictEvent(DEPLOYMENT_REQUESTED),
    target: 'deployment-orchestrator',
  },
  {
    id: 'deployment-rollback-requested',
    description: 'A rollback asked for by a person (verdict rollback, POST /deployments/{id}/rollback)',
    bus: 'verdict',
    pattern: verdictEvent(DEPLOYMENT_ROLLBACK_REQUESTED),
    target: 'deployment-orchestrator',
  },
  {
    id: 'deployment-bake-ended',
    description:
      "A deployment's bake is over (its one-shot schedule fired): promote, or roll back on an alarm",
    bus: 'verdict',
    pattern: verdictEvent(DEPLOYMENT_BAKE_ENDED),
    target: 'deployment-orchestrator',
  },
  {
    id: 'decision-revoked',
    description:
      'A revoked model-registry decision takes every live deployment of its artifact out of service',
    bus: 'verdict',
    pattern: verdictEvent(DECISION_REVOKED),
    target: 'deployment-orchestrator',
  },
  {
    id: 'model-version-allowed',
    description:
      'A model version the model-registry gate allowed is asked to be deployed by the promotion rules naming its group',
    bus: 'verdict',
    pattern: {
      source: [DECISION_EVENT.source],
      'detail-type': [DECISION_EVENT.detailType],
      detail: { gate: ['model-registry'], decision: ['allow'] },
    },
    target: 'deployment-orchestrator',
  },
  {
    id: 'sagemaker-endpoint-state-change',
    description:
      'SageMaker endpoint and endpoint-deployment state changes move the deployment that runs on the endpoint',
    bus: 'default',
    pattern: {
      source: ['aws.sagemaker'],
      'detail-type': [ENDPOINT_STATE_CHANGE, ENDPOINT_DEPLOYMENT_STATE_CHANGE],
      detail: { EndpointName: [{ exists: true }] },
    },
    target: 'deployment-orchestrator',
  },
  {
    id: 'deployment-alarm',
    description:
      'A CloudWatch alarm that went into ALARM re-gates the live deployments naming it: keep, roll back or revoke',
    bus: 'default',
    pattern: {
      source: [CLOUDWATCH_SOURCE],
      'detail-type': [ALARM_STATE_CHANGE],
      detail: { state: { value: ['ALARM'] } },
    },
    target: 'deployment-orchestrator',
  },
  {
    id: 'sagemaker-out-of-band-call',
    description:
      'A call that changes an endpoint (CloudTrail) is re-gated unless the orchestrator made it (checked by the handler)',
    bus: 'default',
    pattern: {
      source: ['aws.sagemaker'],
      'detail-type': [CLOUDTRAIL_API_CALL],
      detail: { eventSource: [SAGEMAKER_EVENT_SOURCE], eventName: [...ENDPOINT_CHANGING_CALLS] },
    },
    target: 'deployment-orchestrator',
  },
];
