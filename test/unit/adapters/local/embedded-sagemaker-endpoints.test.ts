/**
 * The embedded SageMaker endpoints: plans, rollouts and their events as SageMaker has them, and those events
 * read back through the SageMaker event reader as the observations the deployment saga records.
 */
import { describe, expect, it } from 'vitest';
import { sageMakerEndpointEvents } from '../../../../functions/adapters/aws/sagemaker-endpoint-events.ts';
import { EmbeddedSageMakerEndpoints } from '../../../../functions/adapters/local/embedded-sagemaker-endpoints.ts';
import { openDatabase } from '../../../../functions/adapters/local/sqlite-database.ts';
import {
  type DeploymentRequest,
  type DeploymentRequestInput,
  deploymentRequestSchema,
} from '../../../../functions/contracts/deployment-request.ts';
import { DeploymentError } from '../../../../functions/deployments/errors.ts';
import type {
  AppliedDeployment,
  ApprovedArtifact,
  DeploymentPlan,
} from '../../../../functions/ports/deployment-target.ts';
import type { PublishedEvent } from '../../../../functions/ports/event-publisher.ts';
import { ARN, eksRequest, sagemakerRequest } from '../../../support/deployment-requests.ts';
import { TestClock } from '../../../support/deployment-saga.ts';

const ENDPOINT = 'credit-scorer-prod';
const ENDPOINT_ARN = `arn:aws:sagemaker:local-1:000000000000:endpoint/${ENDPOINT}`;
const ARN_4 = ARN.replace(/3$/, '4');
const STATE = 'SageMaker Endpoint State Change';
const DEPLOYMENT_STATE = 'SageMaker Endpoint Deployment State Change';

function request(changes: Partial<DeploymentRequestInput> = {}): DeploymentRequest {
  return deploymentRequestSchema.parse({ ...sagemakerRequest, ...changes });
}

const canary = request();
const allAtOnce = request({
  modelPackageArn: ARN_4,
  strategy: { type: 'all-at-once', bakeSeconds: 0, maxDurationSeconds: 600 },
});

function artifact(modelPackageArn = ARN): ApprovedArtifact {
  return {
    modelPackageArn,
    digest: `sha256:${'ab'.repeat(32)}`,
    decisionId: `dec-${modelPackageArn.slice(-1)}`,
  };
}

function fixture() {
  const clock = new TestClock();
  const endpoints = new EmbeddedSageMakerEndpoints(openDatabase(':memory:'), clock.now);
  async function deploy(
    id: string,
    req: DeploymentRequest,
    art = artifact(req.modelPackageArn),
  ): Promise<{ plan: DeploymentPlan; applied: AppliedDeployment }> {
    const plan = await endpoints.plan(id, req, art);
    const applied = await endpoints.apply(plan, req, art);
    return { plan, applied };
  }
  return { clock, endpoints, deploy };
}

function stateEvent(status: string, config: string): PublishedEvent {
  return {
    source: 'aws.sagemaker',
    detailType: STATE,
    detail: {
      EndpointName: ENDPOINT,
      EndpointArn: ENDPOINT_ARN,
      EndpointConfigName: config,
      EndpointStatus: status,
    },
  };
}

/** The envelope EventBridge (or the local bus) delivers a published event in. */
function delivered(event: PublishedEvent) {
  return {
    version: '0',
    id: 'evt-1',
    'detail-type': event.detailType,
    source: event.source,
    account: '000000000000',
    time: '2026-11-28T10:00:00Z',
    region: 'local-1',
    resources: [],
    detail: event.detail,
  };
}

function observed(event: PublishedEvent, applied: AppliedDeployment) {
  const envelope = delivered(event);
  expect(sageMakerEndpointEvents.targetOf(envelope)).toBe(`sagemaker:${ENDPOINT}`);
  return sageMakerEndpointEvents.observation(envelope, applied)?.status;
}

async function rejection(promise: Promise<unknown>): Promise<DeploymentError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeploymentError);
  return error as DeploymentError;
}

describe('EmbeddedSageMakerEndpoints', () => {
  it('plans a create for a new endpoint and an update, with the serving config, for an existing one', async () => {
    const { endpoints, deploy } = fixture();
    const create = await endpoints.plan('dep-1', canary, artifact());
    expect(create).toMatchObject({ deploymentId: 'dep-1', action: 'create', previousSpec: null });
    expect(create.changes.length).toBeGreaterThan(0);
    expect(endpoints.list()).toEqual([]);
    expect(endpoints.takeEvents()).toEqual([]);

    await deploy('dep-1', canary);
    const update = await endpoints.plan('dep-2', allAtOnce, artifact(ARN_4));
    expect(update).toMatchObject({
      deploymentId: 'dep-2',
      action: 'update',
      previousSpec: {
        endpointConfigName: 'verdict-dep-1',
        variants: [
          {
            variantName: 'primary',
            modelName: 'verdict-dep-1',
            instanceType: 'ml.m5.xlarge',
            instanceCount: 2,
          },
        ],
      },
    });
  });

  it('creates an endpoint: Creating then InService in the outbox, which taking empties', async () => {
    const { endpoints, deploy } = fixture();
    const { applied } = await deploy('dep-1', canary);
    expect(applied).toEqual({
      deploymentId: 'dep-1',
      revision: `${ENDPOINT}/verdict-dep-1`,
      status: 'applying',
    });
    expect(endpoints.list()).toEqual([{ name: ENDPOINT, status: 'InService', serving: ARN }]);
    const events = endpoints.takeEvents();
    expect(events).toEqual([
      stateEvent('CREATING', 'verdict-dep-1'),
      stateEvent('IN_SERVICE', 'verdict-dep-1'),
    ]);
    expect(endpoints.takeEvents()).toEqual([]);
    expect(events.map((e) => observed(e, applied))).toEqual(['applying', 'promoted']);
    expect(await endpoints.observe(applied)).toMatchObject({ status: 'promoted', targetStatus: 'InService' });
  });

  it('starts a canary update Updating, the new fleet baking, until it is promoted', async () => {
    const { endpoints, deploy } = fixture();
    await deploy('dep-1', canary);
    endpoints.takeEvents();
    const { applied } = await deploy('dep-2', request({ modelPackageArn: ARN_4 }));
    expect(applied.status).toBe('applying');
    expect(endpoints.list()).toEqual([{ name: ENDPOINT, status: 'Updating', serving: ARN, pending: ARN_4 }]);
    const [event, ...more] = endpoints.takeEvents();
    expect(more).toEqual([]);
    expect(event).toEqual({
      source: 'aws.sagemaker',
      detailType: DEPLOYMENT_STATE,
      detail: {
        EndpointName: ENDPOINT,
        EndpointArn: ENDPOINT_ARN,
        EndpointConfigName: 'verdict-dep-1',
        EndpointStatus: 'UPDATING',
        PendingDeploymentSummary: {
          EndpointConfigName: 'verdict-dep-2',
          ProductionVariants: [{ VariantName: 'primary', VariantStatus: [{ Status: 'BAKING' }] }],
        },
      },
    });
    expect(observed(event as PublishedEvent, applied)).toBe('baking');
    expect(await endpoints.observe(applied)).toMatchObject({ status: 'baking', targetStatus: 'Updating' });

    const promoted = await endpoints.promote(applied);
    expect(promoted).toMatchObject({ deploymentId: 'dep-2', status: 'promoted', targetStatus: 'InService' });
    expect(endpoints.list()).toEqual([{ name: ENDPOINT, status: 'InService', serving: ARN_4 }]);
    const promotion = endpoints.takeEvents();
    expect(promotion).toEqual([stateEvent('IN_SERVICE', 'verdict-dep-2')]);
    expect(observed(promotion[0] as PublishedEvent, applied)).toBe('promoted');
  });

  it('promotes nothing twice: a second promote changes nothing and emits nothing', async () => {
    const { endpoints, deploy } = fixture();
    await deploy('dep-1', canary);
    const { applied } = await deploy('dep-2', request({ modelPackageArn: ARN_4 }));
    await endpoints.promote(applied);
    endpoints.takeEvents();
    expect(await endpoints.promote(applied)).toMatchObject({ status: 'promoted' });
    expect(endpoints.takeEvents()).toEqual([]);
  });

  it('switches an all-at-once update at once', async () => {
    const { endpoints, deploy } = fixture();
    await deploy('dep-1', canary);
    endpoints.takeEvents();
    const { applied } = await deploy('dep-2', allAtOnce);
    expect(applied.status).toBe('applying');
    expect(endpoints.list()).toEqual([{ name: ENDPOINT, status: 'InService', serving: ARN_4 }]);
    const events = endpoints.takeEvents();
    expect(events).toEqual([
      stateEvent('UPDATING', 'verdict-dep-1'),
      stateEvent('IN_SERVICE', 'verdict-dep-2'),
    ]);
    expect(events.map((e) => observed(e, applied))).toEqual(['applying', 'promoted']);
  });

  it('starts nothing and emits nothing on a redelivered apply', async () => {
    const { endpoints, deploy } = fixture();
    await deploy('dep-1', canary);
    const baking = await deploy('dep-2', request({ modelPackageArn: ARN_4 }));
    endpoints.takeEvents();
    const again = await endpoints.apply(baking.plan, request({ modelPackageArn: ARN_4 }), artifact(ARN_4));
    expect(again).toEqual({ ...baking.applied, status: 'baking' });
    expect(endpoints.takeEvents()).toEqual([]);

    await endpoints.promote(baking.applied);
    endpoints.takeEvents();
    const afterPromotion = await endpoints.apply(
      baking.plan,
      request({ modelPackageArn: ARN_4 }),
      artifact(ARN_4),
    );
    expect(afterPromotion.status).toBe('promoted');
    expect(endpoints.takeEvents()).toEqual([]);
    expect(endpoints.list()).toEqual([{ name: ENDPOINT, status: 'InService', serving: ARN_4 }]);
  });

  it('refuses a second rollout while one is pending: target-busy, nothing changed', async () => {
    const { endpoints, deploy } = fixture();
    await deploy('dep-1', canary);
    await deploy('dep-2', request({ modelPackageArn: ARN_4 }));
    endpoints.takeEvents();
    const error = await rejection(deploy('dep-3', allAtOnce));
    expect(error.problem).toBe('target-busy');
    expect(error.message).toBe(`endpoint ${ENDPOINT} is Updating: SageMaker updates one rollout at a time`);
    expect(endpoints.list()).toEqual([{ name: ENDPOINT, status: 'Updating', serving: ARN, pending: ARN_4 }]);
    expect(endpoints.takeEvents()).toEqual([]);
  });

  it('rolls an update back to the config served before', async () => {
    const { endpoints, deploy } = fixture();
    await deploy('dep-1', canary);
    const { plan, applied } = await deploy('dep-2', request({ modelPackageArn: ARN_4 }));
    endpoints.takeEvents();
    const rolledBack = await endpoints.rollback(applied, plan);
    expect(rolledBack).toEqual({
      deploymentId: 'dep-2',
      status: 'rolled-back',
      targetStatus: 'InService',
      reason: `endpoint ${ENDPOINT} serves verdict-dep-1 again`,
      observedAt: '2026-11-28T10:00:00.000Z',
    });
    expect(endpoints.list()).toEqual([{ name: ENDPOINT, status: 'InService', serving: ARN }]);
    const events = endpoints.takeEvents();
    expect(events).toEqual([stateEvent('IN_SERVICE', 'verdict-dep-1')]);
    expect(observed(events[0] as PublishedEvent, applied)).toBe('rolled-back');
    expect(await endpoints.observe(applied)).toMatchObject({
      status: 'rolled-back',
      targetStatus: 'InService',
    });
  });

  it('rolls a create back by removing the endpoint', async () => {
    const { endpoints, deploy } = fixture();
    const { plan, applied } = await deploy('dep-1', canary);
    endpoints.takeEvents();
    expect(await endpoints.rollback(applied, plan)).toMatchObject({
      status: 'rolled-back',
      targetStatus: 'Deleting',
      reason: `endpoint ${ENDPOINT} removed`,
    });
    expect(endpoints.list()).toEqual([]);
    expect(endpoints.takeEvents()).toEqual([stateEvent('DELETING', 'verdict-dep-1')]);
    expect(await endpoints.observe(applied)).toMatchObject({
      status: 'rolled-back',
      targetStatus: 'NotFound',
    });
  });

  it('leaves an endpoint that moved on to another deployment when the create is rolled back', async () => {
    const { endpoints, deploy } = fixture();
    const { plan, applied } = await deploy('dep-1', canary);
    await deploy('dep-2', allAtOnce);
    endpoints.takeEvents();
    expect(await endpoints.rollback(applied, plan)).toMatchObject({
      status: 'rolled-back',
      targetStatus: 'InService',
      reason: `endpoint ${ENDPOINT} serves verdict-dep-2 now: nothing of this deployment to remove`,
    });
    expect(endpoints.list()).toEqual([{ name: ENDPOINT, status: 'InService', serving: ARN_4 }]);
    expect(endpoints.takeEvents()).toEqual([]);
  });

  it('rolls a create back through the revision its plan named when the apply never answered', async () => {
    const { endpoints, deploy } = fixture();
    const { plan } = await deploy('dep-1', canary);
    endpoints.takeEvents();
    expect(plan.revision).toBe(`${ENDPOINT}/verdict-dep-1`);
    const unanswered = { deploymentId: 'dep-1', revision: plan.revision ?? '', status: 'applying' as const };
    expect(await endpoints.rollback(unanswered, plan)).toMatchObject({ status: 'rolled-back' });
    expect(endpoints.list()).toEqual([]);
  });

  it('takes an endpoint serving a revoked package out of service', async () => {
    const { endpoints, deploy } = fixture();
    await deploy('dep-1', canary);
    endpoints.takeEvents();
    expect(await endpoints.revoke(artifact(), canary)).toEqual({
      deploymentId: '',
      status: 'revoked',
      targetStatus: 'Deleting',
      reason: `approval of ${ARN} revoked (decision dec-3)`,
      observedAt: '2026-11-28T10:00:00.000Z',
    });
    expect(endpoints.list()).toEqual([]);
    expect(endpoints.takeEvents()).toEqual([stateEvent('DELETING', 'verdict-dep-1')]);
    // Revoking again finds nothing left to take down.
    expect(await endpoints.revoke(artifact(), canary)).toMatchObject({
      status: 'revoked',
      targetStatus: 'NotFound',
    });
    expect(endpoints.takeEvents()).toEqual([]);
  });

  it('takes down an endpoint whose pending rollout is of the revoked package', async () => {
    const { endpoints, deploy } = fixture();
    await deploy('dep-1', canary);
    await deploy('dep-2', request({ modelPackageArn: ARN_4 }));
    expect(await endpoints.revoke(artifact(ARN_4), request({ modelPackageArn: ARN_4 }))).toMatchObject({
      status: 'revoked',
      targetStatus: 'Deleting',
    });
    expect(endpoints.list()).toEqual([]);
  });

  it('refuses to revoke a package the endpoint does not serve: not-serving-model, nothing removed', async () => {
    const { endpoints, deploy } = fixture();
    await deploy('dep-1', canary);
    endpoints.takeEvents();
    const error = await rejection(endpoints.revoke(artifact(ARN_4), canary));
    expect(error.problem).toBe('not-serving-model');
    expect(error.message).toBe(`endpoint ${ENDPOINT} does not serve ${ARN_4}`);
    expect(endpoints.list()).toEqual([{ name: ENDPOINT, status: 'InService', serving: ARN }]);
    expect(endpoints.takeEvents()).toEqual([]);
  });

  it('refuses a request for another kind of target: wrong-target, nothing created', async () => {
    const { endpoints } = fixture();
    const eks = deploymentRequestSchema.parse(eksRequest);
    const planned = await rejection(endpoints.plan('dep-1', eks, artifact()));
    expect(planned.problem).toBe('wrong-target');
    expect(planned.message).toBe('a eks request cannot run on a SageMaker endpoint');
    const plan = await endpoints.plan('dep-1', canary, artifact());
    expect((await rejection(endpoints.apply(plan, eks, artifact()))).problem).toBe('wrong-target');
    expect(endpoints.list()).toEqual([]);
    expect(endpoints.takeEvents()).toEqual([]);
  });

  it('refuses an approval for another package than the request names: artifact-mismatch, nothing created', async () => {
    const { endpoints } = fixture();
    const message = `the request names ${ARN} but the approval is for ${ARN_4}`;
    const planned = await rejection(endpoints.plan('dep-1', canary, artifact(ARN_4)));
    expect([planned.problem, planned.message]).toEqual(['artifact-mismatch', message]);
    const plan = await endpoints.plan('dep-1', canary, artifact());
    const applied = await rejection(endpoints.apply(plan, canary, artifact(ARN_4)));
    expect([applied.problem, applied.message]).toEqual(['artifact-mismatch', message]);
    expect(endpoints.list()).toEqual([]);
    expect(endpoints.takeEvents()).toEqual([]);
  });

  it('reads no other source as a SageMaker endpoint event, and refuses one without an endpoint name', () => {
    expect(
      sageMakerEndpointEvents.targetOf({ source: 'verdict', 'detail-type': STATE, detail: {} }),
    ).toBeUndefined();
    expect(() =>
      sageMakerEndpointEvents.targetOf({ source: 'aws.sagemaker', 'detail-type': STATE, detail: {} }),
    ).toThrow(expect.objectContaining({ problems: ['detail.EndpointName: expected a string'] }));
  });
});
