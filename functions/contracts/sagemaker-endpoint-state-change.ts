/**
 * The two events SageMaker puts on the default EventBridge bus while an endpoint is created, updated or
 * rolled back: `SageMaker Endpoint State Change` and `SageMaker Endpoint Deployment State Change`. Their
 * statuses are spelled `IN_SERVICE`, `UPDATING`, ... (the API's `InService`, `Updating`); both spellings are
 * accepted and an unknown status is refused, so a status is never guessed.
 */
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';
import { canonicalEndpointStatus, canonicalVariantStatus } from './deployment-status.ts';

export const ENDPOINT_STATE_CHANGE = 'SageMaker Endpoint State Change';
export const ENDPOINT_DEPLOYMENT_STATE_CHANGE = 'SageMaker Endpoint Deployment State Change';

const endpointStatusSchema = z
  .string()
  .refine((status) => canonicalEndpointStatus(status) !== undefined, { message: 'unknown endpoint status' });
const variantStatusSchema = z
  .string()
  .refine((status) => canonicalVariantStatus(status) !== undefined, { message: 'unknown variant status' });

const pendingDeploymentSummarySchema = z.looseObject({
  EndpointConfigName: z.string().min(1),
  StartTime: z.union([z.number(), z.string()]).optional(),
  ProductionVariants: z
    .array(
      z.looseObject({
        VariantName: z.string(),
        CurrentWeight: z.number().optional(),
        DesiredWeight: z.number().optional(),
        CurrentInstanceCount: z.number().optional(),
        DesiredInstanceCount: z.number().optional(),
        VariantStatus: z
          .array(z.looseObject({ Status: variantStatusSchema, StatusMessage: z.string().optional() }))
          .default([]),
      }),
    )
    .default([]),
});

const endpointDetailSchema = z.looseObject({
  EndpointName: z.string().min(1),
  EndpointArn: z.string().min(1),
  EndpointConfigName: z.string().min(1),
  EndpointStatus: endpointStatusSchema,
  FailureReason: z.string().optional(),
  Tags: z.record(z.string(), z.string()).optional(),
});

export const sageMakerEndpointEventSchema = z.discriminatedUnion('detail-type', [
  EventBridgeSchema.extend({
    source: z.literal('aws.sagemaker'),
    'detail-type': z.literal(ENDPOINT_STATE_CHANGE),
    detail: endpointDetailSchema,
  }),
  EventBridgeSchema.extend({
    source: z.literal('aws.sagemaker'),
    'detail-type': z.literal(ENDPOINT_DEPLOYMENT_STATE_CHANGE),
    detail: endpointDetailSchema.extend({ PendingDeploymentSummary: pendingDeploymentSummarySchema }),
  }),
]);
export type SageMakerEndpointEvent = z.infer<typeof sageMakerEndpointEventSchema>;
