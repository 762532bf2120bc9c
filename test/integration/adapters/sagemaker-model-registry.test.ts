import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  type ModelApprovalStatus,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  MAX_APPROVAL_DESCRIPTION_LENGTH,
  SageMakerModelRegistry,
} from '../../../functions/adapters/aws/sagemaker-model-registry.ts';
import { awsClientConfig, uniqueName } from '../../support/aws-clients.ts';

const client = new SageMakerClient(awsClientConfig(inject('motoEndpoint')));
const registry = new SageMakerModelRegistry(client);
const group = uniqueName('credit-scoring');

async function createPackage(options: { status?: ModelApprovalStatus; withGovernance?: boolean } = {}) {
  const out = await client.send(
    new CreateModelPackageCommand({
      ModelPackageGroupName: group,
      ModelApprovalStatus: options.status,
      InferenceSpecification: {
        Containers: [{ Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/credit:1' }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
      ...(options.withGovernance && {
        CustomerMetadataProperties: {
          'verdict:profile': 's3://governance/profiles/credit.json',
          team: 'risk',
        },
        ModelMetrics: {
          Bias: {
            PreTrainingReport: { ContentType: 'application/json', S3Uri: 's3://clarify/pre/analysis.json' },
            PostTrainingReport: { ContentType: 'application/json', S3Uri: 's3://clarify/post/analysis.json' },
            Report: { ContentType: 'application/json', S3Uri: 's3://clarify/all/analysis.json' },
          },
        },
      }),
    }),
  );
  if (!out.ModelPackageArn) throw new Error('emulator returned no ModelPackageArn');
  return out.ModelPackageArn;
}

async function readBack(arn: string) {
  return client.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
}

beforeAll(async () => {
  await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
});

describe('SageMakerModelRegistry against the emulator', () => {
  it('describes a package: status, group and version, customer metadata, bias reports and containers', async () => {
    const arn = await createPackage({ status: 'PendingManualApproval', withGovernance: true });

    await expect(registry.describeModelPackage(arn)).resolves.toEqual({
      arn,
      groupName: group,
      version: arn.split('/').at(-1),
      approvalStatus: 'PendingManualApproval',
      customerMetadata: { 'verdict:profile': 's3://governance/profiles/credit.json', team: 'risk' },
      biasReports: {
        preTraining: 's3://clarify/pre/analysis.json',
        postTraining: 's3://clarify/post/analysis.json',
        report: 's3://clarify/all/analysis.json',
      },
      // What the version runs, which the deployment gate pins by digest.
      containers: [{ image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/credit:1' }],
    });
  });

  it('reads a package created without a status as PendingManualApproval, with empty governance fields', async () => {
    const arn = await createPackage();

    const pkg = await registry.describeModelPackage(arn);

    expect(pkg).toMatchObject({
      approvalStatus: 'PendingManualApproval',
      customerMetadata: {},
      biasReports: {},
    });
    expect(pkg).not.toHaveProperty('approvalDescription');
  });

  it('returns undefined for a package that does not exist', async () => {
    const arn = await createPackage();
    const missingVersion = arn.replace(/\/\d+$/, '/999');

    await expect(registry.describeModelPackage(missingVersion)).resolves.toBeUndefined();
    await expect(
      registry.describeModelPackage('arn:aws:sagemaker:us-east-1:123456789012:model-package/no-such-group/1'),
    ).resolves.toBeUndefined();
  });

  it('approves, then rejects, a package; the emulator holds the status and the description', async () => {
    const arn = await createPackage({ status: 'PendingManualApproval' });

    await registry.setApprovalStatus(arn, 'Approved', 'verdict allow: decision d-1');
    expect(await readBack(arn)).toMatchObject({
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: 'verdict allow: decision d-1',
    });

    await registry.setApprovalStatus(arn, 'Rejected', 'verdict deny: bias.disparate_impact');
    await expect(registry.describeModelPackage(arn)).resolves.toMatchObject({
      approvalStatus: 'Rejected',
      approvalDescription: 'verdict deny: bias.disparate_impact',
    });
  });

  it('truncates a description longer than the API allows', async () => {
    const arn = await createPackage({ status: 'PendingManualApproval' });

    await registry.setApprovalStatus(arn, 'Rejected', 'x'.repeat(3 * MAX_APPROVAL_DESCRIPTION_LENGTH));

    const description = (await readBack(arn)).ApprovalDescription ?? '';
    expect(description).toHaveLength(MAX_APPROVAL_DESCRIPTION_LENGTH);
    expect(description.endsWith('…')).toBe(true);
  });

  it('throws when asked to approve a package that does not exist', async () => {
    await expect(
      registry.setApprovalStatus(
        'arn:aws:sagemaker:us-east-1:123456789012:model-package/no-such-group/1',
        'Approved',
        'x',
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
