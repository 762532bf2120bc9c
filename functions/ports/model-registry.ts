import type { ApprovalStatus } from '../contracts/model-package-state-change.ts';

/** One container of a package's `InferenceSpecification`: the image and the model artifact it loads. */
export interface ModelContainer {
  image: string;
  /** `s3://` URI of the model artifact (`ModelDataUrl`, or `ModelDataSource.S3DataSource.S3Uri`). */
  modelDataUrl?: string;
}

/** What a gate needs to know about one registered model version. */
export interface ModelPackage {
  arn: string;
  groupName: string;
  version: string;
  approvalStatus: ApprovalStatus;
  approvalDescription?: string;
  /** `CustomerMetadataProperties`: where a package names its governance inputs (`verdict:profile`). */
  customerMetadata: Record<string, string>;
  /** S3 URIs of the package's `ModelMetrics.Bias` reports (SageMaker Clarify `analysis.json`). */
  biasReports: { preTraining?: string; postTraining?: string; report?: string };
  /** What the version runs; what the deployment gate pins by digest. Absent when the package names none. */
  containers?: ModelContainer[];
}

export interface ModelRegistry {
  describeModelPackage(arn: string): Promise<ModelPackage | undefined>;
  setApprovalStatus(
    arn: string,
    status: Exclude<ApprovalStatus, 'PendingManualApproval'>,
    description: string,
  ): Promise<void>;
}
