/**
 * The events that drive the deployment orchestration on Verdict's bus. The API and the CLI publish a request
 * or a rollback; EventBridge Scheduler (a local timer) publishes the end of a bake; revoking a decision
 * publishes its revocation. The orchestrator publishes every status a deployment reaches, for promotion
 * rules, notifications and dashboards.
 */
import { z } from 'zod';
import { deploymentStatusSchema } from './deployment-status.ts';

export const VERDICT_SOURCE = 'verdict';

export const DEPLOYMENT_REQUESTED = 'Verdict Deployment Requested';
export const DEPLOYMENT_ROLLBACK_REQUESTED = 'Verdict Deployment Rollback Requested';
export const DEPLOYMENT_BAKE_ENDED = 'Verdict Deployment Bake Ended';
export const DECISION_REVOKED = 'Verdict Decision Revoked';
export const DEPLOYMENT_STATUS_CHANGED = 'Verdict Deployment Status Change';

/** Ids are ours (UUIDs, deterministic ids): bounded and printable, never a path or a template. */
const idSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:/-]+$/, 'letters, digits and . _ : / - only');

export const deploymentRequestedDetailSchema = z.object({
  /** The caller's idempotency key: the same key asks for the same deployment. */
  requestId: idSchema,
  /** Checked by the orchestrator against the request contract; kept raw here so that a bad one is reported by it. */
  request: z.unknown(),
  /** Who asked (functions/deployments/requested-by.ts): sealed when it may name a person. Optional: older publishers. */
  requestedBy: z.string().min(1).max(4096).optional(),
});
export type DeploymentRequestedDetail = z.infer<typeof deploymentRequestedDetailSchema>;

export const deploymentRollbackRequestedDetailSchema = z.object({ deploymentId: idSchema });
export const deploymentBakeEndedDetailSchema = z.object({ deploymentId: idSchema });

export const decisionRevokedDetailSchema = z.object({
  decisionId: idSchema,
  revokedAt: z.iso.datetime({ offset: true }),
  reason: z.string().min(1).max(500),
});
export type DecisionRevokedDetail = z.infer<typeof decisionRevokedDetailSchema>;

export const deploymentStatusChangedDetailSchema = z.object({
  deploymentId: idSchema,
  status: deploymentStatusSchema,
  modelPackageArn: z.string(),
  target: z.string(),
  environment: z.string(),
});
export type DeploymentStatusChangedDetail = z.infer<typeof deploymentStatusChangedDetailSchema>;

export const OUT_OF_BAND_DEPLOYMENT = 'Verdict Out-Of-Band Deployment';
export const OUT_OF_BAND_MODES = ['alert', 'restore', 'delete'] as const;
export type OutOfBandMode = (typeof OUT_OF_BAND_MODES)[number];

/** An endpoint changed by someone other than the orchestrator now serves what no live deployment put there. */
export const outOfBandDeploymentDetailSchema = z.object({
  /** The CloudTrail record of the call. */
  eventId: z.string().min(1).max(128),
  call: z.string(),
  /** The IAM role or user that called (an ARN, never a session name). */
  caller: z.string(),
  target: z.string(),
  mode: z.enum(OUT_OF_BAND_MODES),
  /** What was done: `alerted`, `restored <deployment id>`, `deleted`, or why nothing could be. */
  remediation: z.string(),
  /** The model packages (or images) the endpoint served when the call was detected. */
  serving: z.array(z.string()),
  actionId: z.string(),
  /** The deployment gate's decision on the change (a governed endpoint's only). */
  decisionId: z.string().optional(),
});
export type OutOfBandDeploymentDetail = z.infer<typeof outOfBandDeploymentDetailSchema>;
