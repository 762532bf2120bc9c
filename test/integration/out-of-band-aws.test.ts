import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeEndpointCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { describe, expect, inject, it } from 'vitest';
import { SageMakerDeploymentTarget } from '../../functions/adapters/aws/sagemaker-deployment-target.ts';
import { MemoryDeploymentStore } from '../../functions/adapters/local/memory-deployment-store.ts';
import { openDatabase } from '../../functions/adapters/local/sqlite-database.ts';
import { SqliteDecisionStore } from '../../functions/adapters/local/sqlite-decision-store.ts';
import type { ActionRecord } from '../../functions/contracts/action.ts';
import type { Deployment } from '../../functions/contracts/deployment.ts';
import type { OutOfBandMode } from '../../functions/contracts/deployment-events.ts';
import { deploymentRequestSchema } from '../../functions/contracts/deployment-request.ts';
import { type DeploymentOrchestratorDeps, orchestrate } from '../../functions/deployments/orchestrate.ts';
import { cachedPolicyEngine, policyBundlePath } from '../../functions/gates/policy/engine-cache.ts';
import type { PublishedEvent } from '../../functions/ports/event-publisher.ts';
import { awsClientConfig, EMULATOR_ACCOUNT, EMULATOR_REGION, uniqueName } from '../support/aws-clients.ts';
import { registryDecision, sagemakerRequest } from '../support/deployment-requests.ts';
import {
  cloudTrailUpdateEndpoint,
  FOREIGN_IMAGE,
  FOREIGN_MODEL_DATA,
  pointAtForeignModel,
} from '../support/out-of-band.ts';

const emulator = inject('motoEndpoint');
const sagemaker = new SageMakerClient(awsClientConfig(emulator));
const EXECUTION_ROLE = `arn:aws:iam::${EMULATOR_ACCOUNT}:role/verdict-inference`;
const ORCHESTRATOR_ROLE = `arn:aws:iam::${EMULATOR_ACCOUNT}:role/verdict-dev-DeploymentOrchestratorRole`;
const PERSON_ROLE = `arn:aws:iam::${EMULATOR_ACCOUNT}:role/data-scientist`;
const target = new SageMakerDeploymentTarget(sagemaker, { executionRoleArn: EXECUTION_ROLE });
const policyEngine = cachedPolicyEngine(policyBundlePath());

/** A Verdict deployment, promoted on a new endpoint, and the ports the orchestrator runs over. */
async function promotedEndpoint(mode: OutOfBandMode) {
  const group = uniqueName('credit-scorer');
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  const pkg = await sagemaker.send(
    new CreateModelPackageCommand({
      ModelPackageGroupName: group,
      ModelApprovalStatus: 'Approved',
      InferenceSpecification: {
        Containers: [{ Image: `${EMULATOR_ACCOUNT}.dkr.ecr.${EMULATOR_REGION}.amazonaws.com/credit:1` }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
    }),
  );
  const artifact = {
    modelPackageArn: pkg.ModelPackageArn ?? '',
    digest: `sha256:${'b'.repeat(64)}`,
    decisionId: 'dec-blue',
  };
  const endpointName = uniqueName('verdict-endpoint');
  const request = deploymentRequestSchema.parse({
    ...sagemakerRequest,
    modelPackageArn: artifact.modelPackageArn,
    region: EMULATOR_REGION,
    target: { kind: 'sagemaker', endpointName },
    strategy: { type: 'all-at-once', bakeSeconds: 0, maxDurationSeconds: 600 },
  });
  const deploymentId = uniqueName('blue');
  const plan = await target.plan(deploymentId, request, artifact);
  const applied = await target.apply(plan, request, artifact);
  const at = new Date().toISOString();
  const deployment: Deployment = {
    id: deploymentId,
    version: 1,
    requestId: deploymentId,
    request,
    requestedAt: at,
    status: 'promoted',
    decision: registryDecision({ id: `gate-${deploymentId}`, gate: 'deployment' }),
    explanations: [],
    artifact,
    plan,
    applied: { ...applied, status: 'promoted' },
    bakeEndsAt: null,
    pending: null,
    history: [],
    updatedAt: at,
  };
  const store = new MemoryDeploymentStore();
  await store.put(deployment, 0);
  const actions = new Map<string, ActionRecord>();
  const published: PublishedEvent[] = [];
  const decisions = new SqliteDecisionStore(openDatabase(':memory:'));
  const deps = {
    store,
    decisions,
    policyEngine,
    actions: {
      recordAction: async (action: ActionRecord) => actions.set(action.id, action),
      hasAction: async (id: string) => actions.has(id),
    },
    events: { publish: async (event: PublishedEvent) => void published.push(event) },
    now: () => new Date(),
    targetEvents: [],
    outOfBand: { mode, orchestratorRoleArn: ORCHESTRATOR_ROLE, remediation: target },
  } as unknown as DeploymentOrchestratorDeps;
  return { endpointName, deploymentId, deployment, deps, actions, published, decisions };
}

const endpointConfigOf = async (name: string) =>
  (await sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }))).EndpointConfigName;

describe('out-of-band endpoint changes on SageMaker', () => {
  it('restore: puts the promoted deployment back on the endpoint, and records and publishes it', async () => {
    const { endpointName, deploymentId, deployment, deps, actions, published, decisions } =
      await promotedEndpoint('restore');
    const foreign = await pointAtForeignModel(sagemaker, endpointName, EXECUTION_ROLE);
    expect(await endpointConfigOf(endpointName)).toBe(foreign);

    const outcome = await orchestrate(cloudTrailUpdateEndpoint(endpointName, foreign, PERSON_ROLE), deps);

    expect(outcome).toMatchObject({ step: 'out-of-band', finding: 'remediated' });
    expect(await endpointConfigOf(endpointName)).toBe(`verdict-${deploymentId}`);
    // The deployment gate's decision: the displaced version is its subject (the foreign model is no package).
    const [decision, ...others] = (await decisions.list({ filter: { gate: 'deployment' } })).decisions;
    expect(others).toEqual([]);
    expect(decision).toMatchObject({ decision: 'deny', subject: deployment.decision.subject });
    expect(decision?.violations.map((v) => v.rule)).toEqual(['deployment.out_of_band']);
    expect(decision?.violations[0]?.message).toMatch(
      new RegExp(
        `^UpdateEndpoint by ${PERSON_ROLE} \\(CloudTrail event \\S+\\) changed sagemaker:${endpointName} `,
      ),
    );
    expect(decision?.violations[0]?.message).toContain(
      `Remediation (mode restore): the endpoint config of deployment ${deploymentId} is restored.`,
    );
    expect([...actions.values()]).toEqual([
      expect.objectContaining({
        decisionId: decision?.id,
        kind: 'deployment.out-of-band',
        target: `sagemaker:${endpointName}`,
        outcome: 'succeeded',
        detail: expect.stringContaining(`UpdateEndpoint by ${PERSON_ROLE}`),
      }),
    ]);
    expect(published.map((e) => e.detail)).toEqual([
      expect.objectContaining({
        caller: PERSON_ROLE,
        mode: 'restore',
        remediation: expect.stringMatching(new RegExp(`^restored deployment ${deploymentId} `)),
        serving: [FOREIGN_IMAGE, FOREIGN_MODEL_DATA],
      }),
    ]);
  });

  it('delete: deletes the endpoint', async () => {
    const { endpointName, deps } = await promotedEndpoint('delete');
    const foreign = await pointAtForeignModel(sagemaker, endpointName, EXECUTION_ROLE);

    const outcome = await orchestrate(cloudTrailUpdateEndpoint(endpointName, foreign, PERSON_ROLE), deps);

    expect(outcome).toMatchObject({ step: 'out-of-band', finding: 'remediated' });
    const gone = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName })).then(
      (endpoint) => endpoint.EndpointStatus,
      (error: Error) => error.name,
    );
    expect(['Deleting', 'ValidationException']).toContain(gone);
  });

  it("ignores the orchestrator's own calls", async () => {
    const { endpointName, deploymentId, deps, actions } = await promotedEndpoint('delete');

    const outcome = await orchestrate(
      cloudTrailUpdateEndpoint(endpointName, `verdict-${deploymentId}`, ORCHESTRATOR_ROLE),
      deps,
    );

    expect(outcome).toEqual({ step: 'ignored', reason: 'UpdateEndpoint was made by the orchestrator' });
    expect(await endpointConfigOf(endpointName)).toBe(`verdict-${deploymentId}`);
    expect(actions.size).toBe(0);
  });
});
