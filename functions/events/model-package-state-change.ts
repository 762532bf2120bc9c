import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';
import type { ModelPackage } from '../ports/model-registry.ts';
import { describeIssues, InvalidInputError } from '../shared/validation.ts';

export const MODEL_PACKAGE_STATE_CHANGE = 'SageMaker Model Package State Change';

/** The fields of a `SageMaker Model Package State Change` detail that the gate relies on. */
export const modelPackageStateChangeDetailSchema = z.looseObject({
  ModelPackageArn: z.string().regex(/^arn:aws[a-z-]*:sagemaker:[^:]*:\d{12}:model-package\/.+/, {
    message: 'expected a SageMaker model-package ARN',
  }),
  ModelPackageGroupName: z.string().min(1).max(63),
  ModelPackageVersion: z.number().int().positive(),
  ModelApprovalStatus: z.enum(['PendingManualApproval', 'Approved', 'Rejected']),
});

export const modelPackageStateChangeEventSchema = EventBridgeSchema.extend({
  source: z.literal('aws.sagemaker'),
  'detail-type': z.literal(MODEL_PACKAGE_STATE_CHANGE),
  detail: modelPackageStateChangeDetailSchema,
});

export type ModelPackageStateChangeEvent = z.infer<typeof modelPackageStateChangeEventSchema>;

const metricsSourceSchema = z.looseObject({ S3Uri: z.string().min(1) });
const packageDescriptionSchema = z.looseObject({
  CustomerMetadataProperties: z.record(z.string(), z.string()).optional(),
  ModelMetrics: z
    .looseObject({
      Bias: z
        .looseObject({
          Report: metricsSourceSchema.optional(),
          PreTrainingReport: metricsSourceSchema.optional(),
          PostTrainingReport: metricsSourceSchema.optional(),
        })
        .optional(),
    })
    .optional(),
});

/**
 * The model package as the event describes it. The fields share their names with DescribeModelPackage, so
 * the SageMaker adapter maps a description with this too.
 */
export function modelPackageFromDescription(
  description:
    | ModelPackageStateChangeEvent['detail']
    | (Record<string, unknown> & { ModelPackageArn: string }),
): ModelPackage {
  const parsed = modelPackageStateChangeDetailSchema.and(packageDescriptionSchema).safeParse(description);
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
