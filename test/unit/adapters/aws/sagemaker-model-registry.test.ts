import { DescribeModelPackageCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  SageMakerModelRegistry,
  truncate,
} from '../../../../functions/adapters/aws/sagemaker-model-registry.ts';

const sageMaker = mockClient(SageMakerClient);
const registry = new SageMakerModelRegistry(new SageMakerClient({ region: 'us-east-1' }));
const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/credit/3';

beforeEach(() => sageMaker.reset());

describe('SageMakerModelRegistry error paths', () => {
  it('reads the AWS "does not exist" ValidationException as a missing package', async () => {
    sageMaker
      .on(DescribeModelPackageCommand)
      .rejects(
        Object.assign(new Error(`Model package ${arn} does not exist.`), { name: 'ValidationException' }),
      );

    await expect(registry.describeModelPackage(arn)).resolves.toBeUndefined();
  });

  it('rethrows any other ValidationException', async () => {
    const invalid = Object.assign(new Error('1 validation error detected: modelPackageName'), {
      name: 'ValidationException',
    });
    sageMaker.on(DescribeModelPackageCommand).rejects(invalid);

    await expect(registry.describeModelPackage('not an arn')).rejects.toBe(invalid);
  });

  it('refuses an approval status it does not know', async () => {
    sageMaker
      .on(DescribeModelPackageCommand)
      .resolves({ ModelPackageArn: arn, ModelApprovalStatus: 'Archived' as never });

    await expect(registry.describeModelPackage(arn)).rejects.toThrow(
      'unknown model approval status: Archived',
    );
  });
});

describe('truncate', () => {
  it('keeps text within the limit as it is', () => {
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('cuts to the limit with an ellipsis, never splitting a surrogate pair', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    const cut = truncate('ab😀cd', 4); // the emoji is two UTF-16 code units at indexes 2 and 3
    expect(cut).toBe('ab…');
    expect(cut.length).toBeLessThanOrEqual(4);
  });
});
