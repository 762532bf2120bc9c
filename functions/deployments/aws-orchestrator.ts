/**
 * The deployment orchestrator's ports on AWS, from its environment and its SDK clients: the handler builds
 * them once per cold start, the integration test against the emulator builds the same. Where the gate's
 * facts come from is passed in (the handler reads the registry; a test may answer them itself).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { DynamoDbDecisionStore } from '../adapters/aws/dynamodb-decision-store.ts';
import { DynamoDbDeploymentStore } from '../adapters/aws/dynamodb-deployment-store.ts';
import { eksClusterTarget } from '../adapters/aws/eks-cluster-target.ts';
import { EventBridgePublisher } from '../adapters/aws/eventbridge-publisher.ts';
import { EventBridgeSchedulerBakeTimer } from '../adapters/aws/eventbridge-scheduler-bake-timer.ts';
import { SageMakerDeploymentTarget } from '../adapters/aws/sagemaker-deployment-target.ts';
import { sageMakerEndpointEvents } from '../adapters/aws/sagemaker-endpoint-events.ts';
import { SageMakerModelRegistry } from '../adapters/aws/sagemaker-model-registry.ts';
import { cachedPolicyEngine } from '../gates/policy/engine-cache.ts';
import { LedgerDecisionStore } from '../ledger/ledger-decision-store.ts';
import { LedgerExceptionStore } from '../ledger/ledger-exception-store.ts';
import type { LedgerAudit } from '../ledger/ledger-handle.ts';
import type { DeploymentFactsSource } from '../ports/deployment-facts.ts';
import type { DeploymentTarget } from '../ports/deployment-target.ts';
import type { DeploymentOrchestratorEnvironment } from './environment.ts';
import type { DeploymentOrchestratorDeps } from './orchestrate.ts';

export interface OrchestratorClients {
  dynamodb: DynamoDBClient;
  sagemaker: SageMakerClient;
  eventbridge: EventBridgeClient;
  scheduler: SchedulerClient;
  /** Needed when the stack names EKS clusters: their endpoints and the access-entry token's credentials. */
  eks?: EKSClient;
  /** The audit ledger, opened as a writer: every step's action entry and the decisions' record of truth. */
  ledger: LedgerAudit;
}

/** The decisions and exceptions as the gate reads and records them: the ledger first, the table as read model. */
export interface OrchestratorRecords {
  decisions: LedgerDecisionStore;
  exceptions: LedgerExceptionStore;
}

export function orchestratorRecords(
  env: DeploymentOrchestratorEnvironment,
  clients: OrchestratorClients,
  now: () => Date = () => new Date(),
): OrchestratorRecords {
  const table = new DynamoDbDecisionStore(clients.dynamodb, env.VERDICT_DECISIONS_TABLE);
  return {
    decisions: new LedgerDecisionStore(clients.ledger, table),
    exceptions: new LedgerExceptionStore(clients.ledger, table, now),
  };
}

export interface OrchestratorDepsOptions {
  now?: () => Date;
  /** The records the facts source was built over, so both share them; default: new ones. */
  records?: OrchestratorRecords;
}

function eksTargets(
  env: DeploymentOrchestratorEnvironment,
  clients: OrchestratorClients,
  now: () => Date,
): DeploymentTarget[] {
  const clusters = env.VERDICT_EKS_CLUSTERS;
  if (clusters.length === 0) return [];
  const { eks } = clients;
  if (!eks) throw new Error('EKS clusters are configured but no EKS client was given');
  return clusters.map((cluster) => eksClusterTarget({ cluster, eks, now }));
}

export function orchestratorDeps(
  env: DeploymentOrchestratorEnvironment,
  clients: OrchestratorClients,
  facts: DeploymentFactsSource,
  options: OrchestratorDepsOptions = {},
): DeploymentOrchestratorDeps {
  const now = options.now ?? (() => new Date());
  const { decisions } = options.records ?? orchestratorRecords(env, clients, now);
  const sagemaker = new SageMakerDeploymentTarget(
    clients.sagemaker,
    { executionRoleArn: env.VERDICT_SAGEMAKER_EXECUTION_ROLE_ARN },
    now,
  );
  return {
    store: new DynamoDbDeploymentStore(clients.dynamodb, env.VERDICT_DEPLOYMENTS_TABLE),
    actions: clients.ledger,
    decisions,
    facts,
    targets: [sagemaker, ...eksTargets(env, clients, now)],
    targetEvents: [sageMakerEndpointEvents],
    bakeTimer: new EventBridgeSchedulerBakeTimer(clients.scheduler, {
      groupName: env.VERDICT_BAKE_SCHEDULE_GROUP,
      eventBusArn: env.VERDICT_EVENT_BUS_ARN,
      roleArn: env.VERDICT_BAKE_SCHEDULER_ROLE_ARN,
      now,
    }),
    events: new EventBridgePublisher(clients.eventbridge, env.VERDICT_EVENT_BUS_NAME),
    // An approval an alarm revokes is set to Rejected (the role may set no other status).
    registry: new SageMakerModelRegistry(clients.sagemaker),
    policyEngine: cachedPolicyEngine(env.VERDICT_POLICY_BUNDLE, {
      VERDICT_POLICY_BUNDLE_SHA256: env.VERDICT_POLICY_BUNDLE_SHA256,
    }),
    now,
    promotions: env.VERDICT_PROMOTIONS,
    outOfBand: {
      mode: env.VERDICT_OUT_OF_BAND_MODE,
      orchestratorRoleArn: env.VERDICT_ORCHESTRATOR_ROLE_ARN,
      remediation: sagemaker,
    },
  };
}
