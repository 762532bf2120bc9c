/** The ports the deployment saga's steps run over. */
import { randomUUID } from 'node:crypto';
import { type DeploymentRequest, deploymentTargetName } from '../contracts/deployment-request.ts';
import type { PolicyEngine } from '../gates/policy/policy-engine.ts';
import type { ActionLog, RecordedActions } from '../ports/action-log.ts';
import type { BakeTimer } from '../ports/bake-timer.ts';
import type { DecisionStore } from '../ports/decision-store.ts';
import type { DeploymentFactsSource } from '../ports/deployment-facts.ts';
import type { DeploymentStore } from '../ports/deployment-store.ts';
import type { DeploymentTarget } from '../ports/deployment-target.ts';
import { DeploymentTargetUnavailableError } from './errors.ts';

export interface DeploymentSagaDeps {
  store: DeploymentStore;
  /** The audit ledger: one action entry per step, appended before the store moves. */
  actions: ActionLog & RecordedActions;
  /** Where the registry's decisions are read and the deployment gate's are recorded (ledger first). */
  decisions: DecisionStore;
  facts: DeploymentFactsSource;
  targets: readonly DeploymentTarget[];
  bakeTimer: BakeTimer;
  policyEngine: () => Promise<PolicyEngine>;
  now: () => Date;
  /** A step's claim lapses after this; a redelivery then takes it over. Default 150 s. */
  claimLeaseMs?: number;
  newToken?: () => string;
}

/**
 * Longer than a step can run (the orchestrator's 120 s Lambda timeout), shorter than the last of Lambda's
 * asynchronous retries (1 then 2 minutes later): a step killed mid-way is taken over by a retry.
 */
export const DEFAULT_CLAIM_LEASE_MS = 150_000;

export function targetFor(deps: DeploymentSagaDeps, request: DeploymentRequest): DeploymentTarget {
  const wanted = request.target;
  const cluster = wanted.kind === 'eks' ? wanted.cluster : undefined;
  const target = deps.targets.find((t) => t.kind === wanted.kind && (!t.cluster || t.cluster === cluster));
  if (!target) throw new DeploymentTargetUnavailableError(deploymentTargetName(wanted));
  return target;
}

export function newToken(deps: DeploymentSagaDeps): string {
  return (deps.newToken ?? randomUUID)();
}

/** The target an action names. */
export function targetName(request: DeploymentRequest): string {
  return deploymentTargetName(request.target);
}
