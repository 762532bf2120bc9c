/**
 * Builds and reads the `SageMaker Model Package State Change` event (contracts/model-package-state-change.ts).
 * Pure: tests, the embedded model registry and the demo build the same event the real service would send.
 */
import { createHash } from 'node:crypto';
import {
  type MetricsSource,
  MODEL_PACKAGE_STATE_CHANGE,
  type ModelPackageStateChange,
  type ModelPackageStateChangeDetail,
  type ModelPackageStateChangeEvent,
  modelPackageDescriptionSchema,
} from '../contracts/model-package-state-change.ts';
import type { ModelPackage } from '../ports/model-registry.ts';
import { describeIssues, InvalidInputError } from '../shared/validation.ts';

/** A model package as the registry holds it, with the two timestamps the event carries (ISO 8601). */
export interface ModelPackageSnapshot extends ModelPackage {
  creationTime: string;
  lastModifiedTime: string;
}

const MODEL_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):(\d{12}):model-package\/[^/]+\/(\d+)$/;

/**
 * Builds the event for the package's current state. Region and account come from its ARN.
 *
 * - `time` defaults to the package's `lastModifiedTime` (the moment the state changed); EventBridge
 *   times have second precision, as do the detail's `CreationTime` and `LastModifiedTime`.
 * - `id` defaults to a UUID (RFC 9562 version 8) derived from the ARN, approval status and `lastModifiedTime`, so building
 *   the event for the same state change twice gives the same event (as a redelivery would).
 * - Like SageMaker, `CustomerMetadataProperties`, `ApprovalDescription` and `ModelMetrics` are left out
 *   when the package has none.
 */
export function modelPackageStateChangeEvent(
  pkg: ModelPackageSnapshot,
  options: { id?: string; time?: string } = {},
): ModelPackageStateChange {
  const match = MODEL_PACKAGE_ARN.exec(pkg.arn);
  if (!match?.[1] || !match[2] || !match[3]) {
    throw new Error(`not a versioned SageMaker model package ARN: ${pkg.arn}`);
  }
  const [, region, account, arnVersion] = match;
  if (arnVersion !== pkg.version) {
    throw new Error(`model package version ${pkg.version} does not match its ARN ${pkg.arn}`);
  }

  const bias = biasMetrics(pkg.biasReports);
  const detail: ModelPackageStateChangeDetail = {
    ModelPackageGroupName: pkg.groupName,
    ModelPackageVersion: Number(pkg.version),
    ModelPackageArn: pkg.arn,
    CreationTime: eventTime(pkg.creationTime),
    ModelPackageStatus: 'Completed',
    ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
    CertifyForMarketplace: false,
    ModelApprovalStatus: pkg.approvalStatus,
    ...(pkg.approvalDescription !== undefined && { ApprovalDescription: pkg.approvalDescription }),
    ...(Object.keys(pkg.customerMetadata).length > 0 && {
      CustomerMetadataProperties: { ...pkg.customerMetadata },
    }),
    ...(bias && { ModelMetrics: { Bias: bias } }),
    LastModifiedTime: eventTime(pkg.lastModifiedTime),
  };

  return {
    version: '0',
    id: options.id ?? stateChangeId(pkg),
    'detail-type': MODEL_PACKAGE_STATE_CHANGE,
    source: 'aws.sagemaker',
    account,
    time: eventTime(options.time ?? pkg.lastModifiedTime),
    region,
    resources: [pkg.arn],
    detail,
  };
}

/**
 * The model package as the event describes it. The fields share their names with DescribeModelPackage, so
 * the SageMaker adapter maps a description with this too.
 */
export function modelPackageFromDescription(
  description:
    | ModelPackageStateChangeEvent['detail']
    | (Record<string, unknown> & { ModelPackageArn: string }),
): ModelPackage {
  const parsed = modelPackageDescriptionSchema.safeParse(description);
  if (!parsed.success)
    throw new InvalidInputError('model_package.invalid', describeIssues(parsed.error.issues, 'detail'));
  const d = parsed.data;
  const bias = d.ModelMetrics?.Bias;
  return {
    arn: d.ModelPackageArn,
    groupName: d.ModelPackageGroupName,
    version: String(d.ModelPackageVersion),
    approvalStatus: d.ModelApprovalStatus,
    customerMetadata: d.CustomerMetadataProperties ?? {},
    biasReports: {
      ...(bias?.PreTrainingReport ? { preTraining: bias.PreTrainingReport.S3Uri } : {}),
      ...(bias?.PostTrainingReport ? { postTraining: bias.PostTrainingReport.S3Uri } : {}),
      ...(bias?.Report ? { report: bias.Report.S3Uri } : {}),
    },
  };
}

function biasMetrics(
  reports: ModelPackage['biasReports'],
): NonNullable<ModelPackageStateChangeDetail['ModelMetrics']>['Bias'] | undefined {
  const source = (uri: string): MetricsSource => ({ ContentType: 'application/json', S3Uri: uri });
  const bias: NonNullable<ModelPackageStateChangeDetail['ModelMetrics']>['Bias'] = {};
  if (reports.report) bias.Report = source(reports.report);
  if (reports.preTraining) bias.PreTrainingReport = source(reports.preTraining);
  if (reports.postTraining) bias.PostTrainingReport = source(reports.postTraining);
  return Object.keys(bias).length > 0 ? bias : undefined;
}

/** `2021-02-24T17:00:14Z`: UTC, whole seconds, as EventBridge and SageMaker write times. */
function eventTime(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) throw new RangeError(`not an ISO 8601 timestamp: ${iso}`);
  return `${new Date(time).toISOString().slice(0, 19)}Z`;
}

/** An RFC 9562 version 8 (name-based, SHA-256) UUID of the state change. */
function stateChangeId(pkg: ModelPackageSnapshot): string {
  const hash = createHash('sha256')
    .update(`${pkg.arn}\n${pkg.approvalStatus}\n${pkg.lastModifiedTime}`)
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join(
    '-',
  );
}
