/**
 * A deployment as the orchestration keeps it: the request, what the gate decided, the approved artifact, the
 * target's plan and handle, where it stands, and every step it went through. The deployment store holds the
 * current record; the ledger holds one action entry per step (`deployment/<id>/<step>`), appended before the
 * record moves, so the audit trail is never behind the record.
 */
import { z } from 'zod';
import { decisionSchema } from './decision.ts';
import { deploymentRequestSchema } from './deployment-request.ts';
import { deploymentStatusSchema } from './deployment-status.ts';

/** The steps of a deployment; each happens at most once per deployment, so (id, step) is its idempotency key. */
export const DEPLOYMENT_STEPS = [
  'gate',
  'plan',
  'apply',
  'baking',
  'promote',
  'rolling-back',
  'rollback',
  'promoted',
  'rolled-back',
  'failed',
  'revoke',
  'replaced',
] as const;
export const deploymentStepSchema = z.enum(DEPLOYMENT_STEPS);
export type DeploymentStep = z.infer<typeof deploymentStepSchema>;

export const approvedArtifactSchema = z.object({
  modelPackageArn: z.string(),
  digest: z.string(),
  decisionId: z.string(),
});

export const deploymentPlanSchema = z.object({
  deploymentId: z.string(),
  action: z.enum(['create', 'update']),
  changes: z.array(z.string()),
  previousSpec: z.unknown(),
  /** The handle the rollout will have, when the target knows it before applying (to undo a failed apply). */
  revision: z.string().optional(),
});

export const appliedDeploymentSchema = z.object({
  deploymentId: z.string(),
  revision: z.string(),
  status: deploymentStatusSchema,
});

/** One step done: what it moved the deployment to, when, and the ledger entry that records it. */
export const deploymentHistoryItemSchema = z.object({
  step: deploymentStepSchema,
  status: deploymentStatusSchema,
  at: z.string(),
  /** The ledger action id: `deployment/<id>/<step>`. */
  actionId: z.string(),
  detail: z.string().optional(),
});
export type DeploymentHistoryItem = z.infer<typeof deploymentHistoryItemSchema>;

/** A step that claimed the deployment and has not finished: others wait until it ends or its lease lapses. */
export const pendingStepSchema = z.object({
  step: deploymentStepSchema,
  claimedAt: z.string(),
  /** Who claimed it; a step that finds its own claim gone has lost the race. */
  token: z.string(),
});

export const deploymentSchema = z.object({
  id: z.string().min(1),
  /** Bumped by every write; a write names the version it read (compare-and-set). */
  version: z.number().int().min(1),
  /** The caller's idempotency key: the same key asks for the same deployment. */
  requestId: z.string().min(1),
  request: deploymentRequestSchema,
  requestedAt: z.string(),
  /**
   * Who asked: a principal id (sealed when it may name a person, opened for readers), the local operator, or
   * `promotion:<rule>`. Absent in records kept before it was recorded, and for requests that named no one.
   */
  requestedBy: z.string().min(1).optional(),
  status: deploymentStatusSchema,
  /** The deployment gate's decision, as the ledger holds it. */
  decision: decisionSchema,
  /** Why the gate refused it, one line per violation; empty when allowed. */
  explanations: z.array(z.string()),
  /** The approved artifact; null when the gate found none. */
  artifact: approvedArtifactSchema.nullable(),
  plan: deploymentPlanSchema.nullable(),
  applied: appliedDeploymentSchema.nullable(),
  /** When the bake ends and the deployment is promoted unless an alarm rolled it back. */
  bakeEndsAt: z.string().nullable(),
  pending: pendingStepSchema.nullable(),
  history: z.array(deploymentHistoryItemSchema),
  updatedAt: z.string(),
});
export type Deployment = z.infer<typeof deploymentSchema>;

/** Statuses in which a deployment runs (or is about to) on its target: what a revocation takes down. */
export const LIVE_DEPLOYMENT_STATUSES = [
  'requested',
  'applying',
  'baking',
  'promoted',
  'rolling-back',
] as const;

export function deploymentActionId(deploymentId: string, step: DeploymentStep): string {
  return `deployment/${deploymentId}/${step}`;
}
