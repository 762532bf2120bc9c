/** ModelRegistry over the SageMaker Model Registry (DescribeModelPackage / UpdateModelPackage). */
import {
  DescribeModelPackageCommand,
  type DescribeModelPackageCommandOutput,
  type SageMakerClient,
  UpdateModelPackageCommand,
} from '@aws-sdk/client-sagemaker';
import type { ApprovalStatus } from '../../contracts/model-package-state-change.ts';
import type { ModelPackage, ModelRegistry } from '../../ports/model-registry.ts';

/** `UpdateModelPackage.ApprovalDescription` is at most 1,024 characters. */
export const MAX_APPROVAL_DESCRIPTION_LENGTH = 1024;

const APPROVAL_STATUSES: readonly string[] = ['PendingManualApproval', 'Approved', 'Rejected'];

export class SageMakerModelRegistry implements ModelRegistry {
  constructor(private readonly client: SageMakerClient) {}

  async describeModelPackage(arn: string): Promise<ModelPackage | undefined> {
    try {
      const out = await this.client.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
      return toModelPackage(out);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async setApprovalStatus(
    arn: string,
    status: Exclude<ApprovalStatus, 'PendingManualApproval'>,
    description: string,
  ): Promise<void> {
    await this.client.send(
      new UpdateModelPackageCommand({
        ModelPackageArn: arn,
        ModelApprovalStatus: status,
        ApprovalDescription: truncate(description, MAX_APPROVAL_DESCRIPTION_LENGTH),
      }),
    );
  }
}

function toModelPackage(out: DescribeModelPackageCommandOutput): ModelPackage {
  const pkg: ModelPackage = {
    arn: out.ModelPackageArn ?? '',
    // An unversioned package has no group; its name stands in for it.
    groupName: out.ModelPackageGroupName ?? out.ModelPackageName ?? '',
    version: out.ModelPackageVersion === undefined ? '' : String(out.ModelPackageVersion),
    approvalStatus: toApprovalStatus(out.ModelApprovalStatus),
    customerMetadata: { ...out.CustomerMetadataProperties },
    biasReports: {},
  };
  if (out.ApprovalDescription !== undefined) pkg.approvalDescription = out.ApprovalDescription;
  const bias = out.ModelMetrics?.Bias;
  if (bias?.PreTrainingReport?.S3Uri) pkg.biasReports.preTraining = bias.PreTrainingReport.S3Uri;
  if (bias?.PostTrainingReport?.S3Uri) pkg.biasReports.postTraining = bias.PostTrainingReport.S3Uri;
  if (bias?.Report?.S3Uri) pkg.biasReports.report = bias.Report.S3Uri;
  const containers = out.InferenceSpecification?.Containers ?? [];
  if (containers.length > 0) {
    pkg.containers = containers.map((c) => {
      const modelDataUrl = c.ModelDataUrl ?? c.ModelDataSource?.S3DataSource?.S3Uri;
      return { image: c.Image ?? '', ...(modelDataUrl !== undefined && { modelDataUrl }) };
    });
  }
  return pkg;
}

/** SageMaker creates versioned packages as PendingManualApproval when no status is given. */
function toApprovalStatus(status: string | undefined): ApprovalStatus {
  if (status === undefined) return 'PendingManualApproval';
  if (!APPROVAL_STATUSES.includes(status)) throw new Error(`unknown model approval status: ${status}`);
  return status as ApprovalStatus;
}

/** A missing package is a ValidationException: "Model package X does not exist." (AWS), "... not found" (moto). */
function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ResourceNotFound') return true;
  return error.name === 'ValidationException' && /does not exist|not found/i.test(error.message);
}

/** At most `max` UTF-16 code units, never splitting a surrogate pair, marked with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}
