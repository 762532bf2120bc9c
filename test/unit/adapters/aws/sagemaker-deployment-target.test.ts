/**
 * SageMakerDeploymentTarget's error paths that the emulator cannot produce on demand: a hand-written SDK
 * mock (aws-sdk-client-mock) stands in for SageMaker. Everything else is tested against the emulator in
 * test/integration/adapters/sagemaker-deployment-target.test.ts.
 */
import {
  AddTagsCommand,
  DeleteTagsCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  ListTagsCommand,
  SageMakerClient,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SageMakerDeploymentTarget } from '../../../../functions/adapters/aws/sagemaker-deployment-target.ts';
import { deploymentRequestSchema } from '../../../../functions/contracts/deployment-request.ts';
import { DeploymentError } from '../../../../functions/deployments/errors.ts';
import { ARN, sagemakerRequest } from '../../../support/deployment-requests.ts';

const sageMaker = mockClient(SageMakerClient);
const target = new SageMakerDeploymentTarget(new SageMakerClient({ region: 'eu-west-1' }), {
  executionRoleArn: 'arn:aws:iam::111122223333:role/inference',
});
const request = deploymentRequestSchema.parse(sagemakerRequest);
const artifact = { modelPackageArn: ARN, digest: `sha256:${'a'.repeat(64)}`, decisionId: 'dec-1' };
const endpointArn = 'arn:aws:sagemaker:eu-west-1:111122223333:endpoint/credit-scorer-prod';
const plan = { deploymentId: 'dep-2', action: 'update' as const, changes: [], previousSpec: null };

beforeEach(() => {
  sageMaker.reset();
  sageMaker
    .on(DescribeModelPackageCommand)
    .resolves({ ModelPackageArn: ARN, ModelApprovalStatus: 'Approved' });
  sageMaker.on(DescribeModelCommand).resolves({ ModelName: 'verdict-dep-2' });
  sageMaker.on(DescribeEndpointConfigCommand).resolves({ EndpointConfigName: 'verdict-dep-2' });
  sageMaker.on(DescribeEndpointCommand).resolves({
    EndpointName: 'credit-scorer-prod',
    EndpointArn: endpointArn,
    EndpointConfigName: 'verdict-dep-1',
    EndpointStatus: 'InService',
  });
  sageMaker.on(ListTagsCommand).resolves({ Tags: [] });
});

describe('SageMakerDeploymentTarget error paths', () => {
  it('takes its mark off the endpoint when SageMaker refuses the update, so that a retry starts it', async () => {
    // Another change started between DescribeEndpoint and UpdateEndpoint.
    sageMaker.on(UpdateEndpointCommand).rejects(
      Object.assign(new Error(`Cannot update in-progress endpoint "${endpointArn}".`), {
        name: 'ValidationException',
      }),
    );

    const error = await target.apply(plan, request, artifact).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeploymentError);
    expect(error).toMatchObject({
      problem: 'target-busy',
      message: 'endpoint credit-scorer-prod is being updated by another change',
    });
    expect(sageMaker.commandCalls(AddTagsCommand)[0]?.args[0].input).toEqual({
      ResourceArn: endpointArn,
      Tags: [{ Key: 'verdict:deployment-id', Value: 'dep-2' }],
    });
    expect(sageMaker.commandCalls(DeleteTagsCommand)[0]?.args[0].input).toEqual({
      ResourceArn: endpointArn,
      TagKeys: ['verdict:deployment-id'],
    });
  });

  it('rethrows a failure that is not a missing resource, rather than create over it', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    sageMaker.on(DescribeModelCommand).rejects(throttled);

    await expect(target.apply(plan, request, artifact)).rejects.toBe(throttled);
    expect(sageMaker.commandCalls(UpdateEndpointCommand)).toEqual([]);
  });
});
