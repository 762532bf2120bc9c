/**
 * The `SageMaker Model Package State Change` event SageMaker puts on the default EventBridge bus when a
 * model package version is created or its approval status changes: the event the model-registry gate
 * consumes. One schema describes the whole event; the gate checks only the fields it relies on.
 */
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';

export const MODEL_PACKAGE_STATE_CHANGE = 'SageMaker Model Package State Change';

export const approvalStatusSchema = z.enum(['PendingManualApproval', 'Approved', 'Rejected']);
export type ApprovalStatus = z.infer<typeof approvalStatusSchema>;

/** SageMaker `MetricsSource`. */
const metricsSourceSchema = z.looseObject({
  ContentType: z.string().optional(),
  S3Uri: z.string().min(1),
});
export type MetricsSource = z.infer<typeof metricsSourceSchema>;

/** The event's detail. Its fields share their names with DescribeModelPackage. */
const modelPackageStateChangeDetailSchema = z.looseObject({
  ModelPackageGroupName: z.string().min(1).max(63),
  ModelPackageVersion: z.number().int().positive(),
  ModelPackageArn: z.string().regex(/^arn:aws[a-z-]*:sagemaker:[^:]*:\d{12}:model-package\/.+/, {
    message: 'expected a SageMaker model-package ARN',
  }),
  CreationTime: z.string(),
  ModelPackageStatus: z.string(),
  ModelPackageStatusDetails: z.looseObject({
    ValidationStatuses: z.array(z.unknown()),
    ImageScanStatuses: z.array(z.unknown()),
  }),
  CertifyForMarketplace: z.boolean(),
  ModelApprovalStatus: approvalStatusSchema,
  ApprovalDescription: z.string().optional(),
  /** Where a package names its governance inputs (`verdict:profile`, ...). */
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
  LastModifiedTime: z.string(),
});
export type ModelPackageStateChangeDetail = z.infer<typeof modelPackageStateChangeDetailSchema>;

const eventEnvelope = EventBridgeSchema.extend({
  source: z.literal('aws.sagemaker'),
  'detail-type': z.literal(MODEL_PACKAGE_STATE_CHANGE),
});

/** The whole event as SageMaker emits it. */
export const modelPackageStateChangeSchema = eventEnvelope.extend({
  detail: modelPackageStateChangeDetailSchema,
});
export type ModelPackageStateChange = z.infer<typeof modelPackageStateChangeSchema>;

/** The fields of the detail that identify the package and its approval status: what every reader needs. */
const modelPackageIdentitySchema = modelPackageStateChangeDetailSchema.pick({
  ModelPackageArn: true,
  ModelPackageGroupName: true,
  ModelPackageVersion: true,
  ModelApprovalStatus: true,
});

/**
 * What the gate's parser checks: the envelope and the package's identity; the rest of the detail passes
 * through and is checked where it is read (the package description).
 */
export const modelPackageStateChangeEventSchema = eventEnvelope.extend({
  detail: modelPackageIdentitySchema,
});
export type ModelPackageStateChangeEvent = z.infer<typeof modelPackageStateChangeEventSchema>;

/** The part of a package description (the event's detail or DescribeModelPackage) a gate reads. */
export const modelPackageDescriptionSchema = modelPackageIdentitySchema.extend({
  CustomerMetadataProperties: modelPackageStateChangeDetailSchema.shape.CustomerMetadataProperties,
  ModelMetrics: modelPackageStateChangeDetailSchema.shape.ModelMetrics,
});
