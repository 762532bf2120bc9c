/**
 * Deployments on a deployed stack (`--stack`), with the caller's own credentials: requests and rollbacks go
 * on the stack's bus as the events its orchestrator gates and runs, and the command follows the deployment
 * in the stack's deployments table (poll.ts). Bakes end by EventBridge Scheduler there, not by the CLI.
 * A revocation is written here, as `verdict decisions revoke` does locally: through the stack's ledger as
 * operator, the SageMaker registry and the bus, whose orchestrator then takes the deployments down.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DynamoDbDecisionStore } from '../../adapters/aws/dynamodb-decision-store.ts';
import { DynamoDbDeploymentStore } from '../../adapters/aws/dynamodb-deployment-store.ts';
import { EventBridgePublisher } from '../../adapters/aws/eventbridge-publisher.ts';
import { lambdaPersonalData } from '../../adapters/aws/ledger/personal-data.ts';
import { SageMakerModelRegistry } from '../../adapters/aws/sagemaker-model-registry.ts';
import { canonicalPrincipalArn } from '../../api/auth/aws-identity.ts';
import { type Deployment, LIVE_DEPLOYMENT_STATUSES } from '../../contracts/deployment.ts';
import {
  DEPLOYMENT_REQUESTED,
  DEPLOYMENT_ROLLBACK_REQUESTED,
  VERDICT_SOURCE,
} from '../../contracts/deployment-events.ts';
import type { DeploymentRequest } from '../../contracts/deployment-request.ts';
import { FINAL_DEPLOYMENT_STATUSES } from '../../contracts/deployment-status.ts';
import { DeploymentNotFoundError, DeploymentNotLiveError } from '../../deployments/errors.ts';
import { deploymentIdFor, sameRequest } from '../../deployments/request-deployment.ts';
import { namesAPerson, sealRequester } from '../../deployments/requested-by.ts';
import { ROLLBACK_FROM } from '../../deployments/rollback-step.ts';
import { type Revocation, revokeDecision } from '../../gates/revocation/revoke-decision.ts';
import { LedgerDecisionStore } from '../../ledger/ledger-decision-store.ts';
import type { DeploymentStore } from '../../ports/deployment-store.ts';
import { LEDGER_ENVIRONMENT } from '../../shared/environment.ts';
import { UsageError } from './exit-codes.ts';
import { pollUntil } from './poll.ts';
import type { StackStores } from './stack-stores.ts';

/** The deployment as last read; `settled` is false when the time ran out before what was waited for. */
export interface Followed {
  deployment: Deployment;
  settled: boolean;
}

/** The stack's deployments table; a usage error when the stack predates deployments. */
export function stackDeploymentStore(stack: StackStores): DynamoDbDeploymentStore {
  const table = stack.stack.deploymentsTable;
  if (!table)
    throw new UsageError(
      `stack ${stack.stack.stackName} has no deployments table (no DeploymentsTableName output): deploy the current Verdict stack`,
    );
  return new DynamoDbDeploymentStore(stack.clients.dynamodb, table);
}

function publisher(stack: StackStores): EventBridgePublisher {
  return new EventBridgePublisher(stack.clients.eventbridge, stack.stack.eventBusName);
}

/** The orchestrator did not record the deployment in time: the request may still be on its way. */
export class DeploymentNotRecordedError extends Error {
  override readonly name = 'DeploymentNotRecordedError';
  constructor(id: string, stackName: string, seconds: number) {
    super(
      `deployment ${id} was not recorded on stack ${stackName} within ${seconds} s: check the orchestrator's dead-letter queue, or look again with verdict deployments show ${id} --stack ${stackName}`,
    );
  }
}

export interface RequestOptions {
  wait: boolean;
  timeoutMs: number;
  /** Told when the deployment starts baking (and until when). */
  onBake?: (until: string) => void;
}

/**
 * Asks the stack for a deployment. The key asked for already answers with its deployment (or a conflict,
 * DeploymentRequestConflictError, for another request); a new one is published, then followed until it is
 * recorded and, with `wait`, until it reaches a final status.
 */
export async function requestStackDeployment(
  stack: StackStores,
  requestId: string,
  request: DeploymentRequest,
  options: RequestOptions,
): Promise<Followed> {
  const store = stackDeploymentStore(stack);
  const id = deploymentIdFor(requestId);
  const deadline = Date.now() + options.timeoutMs;
  const existing = await store.get(id);
  if (existing) sameRequest(existing, request);
  else {
    const requestedBy = await stackRequester(stack);
    await publisher(stack).publish({
      source: VERDICT_SOURCE,
      detailType: DEPLOYMENT_REQUESTED,
      detail: { requestId, request, ...(requestedBy && { requestedBy }) },
      resources: [request.modelPackageArn],
    });
  }
  const recorded = await pollUntil(
    () => store.get(id),
    (d) => d !== undefined,
    { timeoutMs: deadline - Date.now() },
  );
  if (!recorded.value)
    throw new DeploymentNotRecordedError(id, stack.stack.stackName, Math.round(options.timeoutMs / 1000));
  // Under a race for the same key with another request, the record is the other's.
  const deployment = sameRequest(recorded.value, request);
  if (!options.wait) return { deployment, settled: true };
  return follow(store, deployment, (d) => FINAL_DEPLOYMENT_STATUSES.has(d.status), deadline, options.onBake);
}

/**
 * Asks the stack to roll a deployment back (DeploymentNotFoundError, DeploymentNotLiveError when there is
 * nothing to roll back), then follows it until it leaves the status it had.
 */
export async function rollbackStackDeployment(
  stack: StackStores,
  id: string,
  timeoutMs: number,
): Promise<Followed> {
  const store = stackDeploymentStore(stack);
  const deadline = Date.now() + timeoutMs;
  const found = await store.get(id);
  if (!found) throw new DeploymentNotFoundError(id);
  if (!ROLLBACK_FROM.includes(found.status)) throw new DeploymentNotLiveError(id, found.status);
  await publisher(stack).publish({
    source: VERDICT_SOURCE,
    detailType: DEPLOYMENT_ROLLBACK_REQUESTED,
    detail: { deploymentId: id },
  });
  return follow(store, found, (d) => d.status !== found.status, deadline);
}

async function follow(
  store: DeploymentStore,
  from: Deployment,
  until: (deployment: Deployment) => boolean,
  deadline: number,
  onBake: (until: string) => void = () => {},
): Promise<Followed> {
  let told: string | undefined;
  const polled = await pollUntil(
    async () => {
      const deployment = (await store.get(from.id)) ?? from;
      if (deployment.status === 'baking' && deployment.bakeEndsAt && deployment.bakeEndsAt !== told) {
        told = deployment.bakeEndsAt;
        onBake(told);
      }
      return deployment;
    },
    until,
    { timeoutMs: Math.max(0, deadline - Date.now()) },
  );
  return { deployment: polled.value, settled: polled.reached };
}

export interface StackRevocation extends Revocation {
  /** The deployments of the approved artifact taken out of service; undefined without a deployments table. */
  deploymentsRevoked?: string[];
  /** Deployments still live when the time ran out. */
  deploymentsLive?: string[];
}

/**
 * Revokes a model-registry approval on the stack: the ledger action `decision/<id>/revoke` written as
 * operator, the version set to Rejected in SageMaker, `Verdict Decision Revoked` on the stack's bus. Then
 * waits until the orchestrator has taken every live deployment of it out of service.
 */
export async function revokeStackDecision(
  stack: StackStores,
  decisionId: string,
  reason: string,
  timeoutMs: number,
): Promise<StackRevocation> {
  const revocation = await stack.withLedger('writer', ({ ledger }) =>
    revokeDecision(decisionId, reason, {
      decisions: new LedgerDecisionStore(
        ledger,
        new DynamoDbDecisionStore(stack.clients.dynamodb, stack.stack.decisionsTable),
      ),
      actions: ledger,
      events: publisher(stack),
      registry: new SageMakerModelRegistry(stack.clients.sagemaker),
      now: () => new Date(),
    }),
  );
  if (!stack.stack.deploymentsTable) return revocation;
  const store = stackDeploymentStore(stack);
  const live = await pollUntil(
    async () =>
      (await store.list({ filter: { decisionId, statuses: LIVE_DEPLOYMENT_STATUSES }, limit: 1000 }))
        .deployments,
    (deployments) => deployments.length === 0,
    { timeoutMs },
  );
  const revoked = await store.list({ filter: { decisionId, statuses: ['revoked'] }, limit: 1000 });
  return {
    ...revocation,
    deploymentsRevoked: revoked.deployments.map((d) => d.id),
    ...(!live.reached && { deploymentsLive: live.value.map((d) => d.id) }),
  };
}

/**
 * The caller as the deployment records it: its role ARN in clear (an assumed role's session name is left
 * out), any other identity sealed with the stack's subject keys, or nothing where it cannot be sealed.
 */
async function stackRequester(stack: StackStores): Promise<string | undefined> {
  const caller = await stack.clients.sts.send(new GetCallerIdentityCommand({}));
  if (!caller.Arn) return undefined;
  const id = canonicalPrincipalArn(caller.Arn) ?? caller.Arn;
  if (!namesAPerson(id)) return id;
  if (!stack.stack.subjectKeys) return undefined;
  const keys = stack.subjectKeys();
  const personal = lambdaPersonalData(
    { dynamodb: stack.clients.dynamodb, kms: stack.clients.kms },
    { [LEDGER_ENVIRONMENT.subjectKeysTable]: keys.table, [LEDGER_ENVIRONMENT.dataKeyId]: keys.keyArn },
  );
  return sealRequester(id, await personal());
}
