/**
 * The `AWS API Call via CloudTrail` event EventBridge puts on the account's default bus for a SageMaker API
 * call (source `aws.sagemaker`; it needs a CloudTrail trail that logs management events). The detail is the
 * CloudTrail record: who called (`userIdentity`; for an assumed role the role is
 * `sessionContext.sessionIssuer.arn`), what (`eventName`, `requestParameters`), what SageMaker answered
 * (`responseElements`, or `errorCode` when the call failed) and the record's `eventID`. Only the fields Verdict
 * reads are checked; the rest pass through.
 */
import { z } from 'zod';

export const CLOUDTRAIL_API_CALL = 'AWS API Call via CloudTrail';
export const SAGEMAKER_SOURCE = 'aws.sagemaker';
export const SAGEMAKER_EVENT_SOURCE = 'sagemaker.amazonaws.com';

/** The calls that change what an endpoint serves. */
export const ENDPOINT_CHANGING_CALLS = [
  'CreateEndpoint',
  'UpdateEndpoint',
  'CreateEndpointConfig',
  'DeleteEndpoint',
  'UpdateEndpointWeightsAndCapacities',
] as const;
export type EndpointChangingCall = (typeof ENDPOINT_CHANGING_CALLS)[number];

/** SageMaker resource names: at most 63 characters of `[a-zA-Z0-9](-*[a-zA-Z0-9])*`. */
const resourceName = z
  .string()
  .max(63)
  .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/, 'not a SageMaker resource name');

export const cloudTrailUserIdentitySchema = z.looseObject({
  /** `AssumedRole`, `IAMUser`, `Root`, `AWSService`, ... */
  type: z.string(),
  arn: z.string().optional(),
  sessionContext: z
    .looseObject({
      sessionIssuer: z.looseObject({ type: z.string().optional(), arn: z.string().optional() }).optional(),
    })
    .optional(),
});
export type CloudTrailUserIdentity = z.infer<typeof cloudTrailUserIdentitySchema>;

export const cloudTrailSageMakerCallSchema = z.looseObject({
  eventID: z.string().min(1).max(128),
  eventTime: z.string().min(1),
  eventSource: z.literal(SAGEMAKER_EVENT_SOURCE),
  eventName: z.enum(ENDPOINT_CHANGING_CALLS),
  awsRegion: z.string().optional(),
  recipientAccountId: z.string().optional(),
  userIdentity: cloudTrailUserIdentitySchema,
  requestParameters: z
    .looseObject({
      endpointName: resourceName.optional(),
      endpointConfigName: resourceName.optional(),
    })
    .nullish(),
  responseElements: z.looseObject({}).nullish(),
  /** Present when SageMaker refused the call: nothing changed. */
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
});
export type CloudTrailSageMakerCall = z.infer<typeof cloudTrailSageMakerCallSchema>;

/**
 * Who called, as Verdict records it: the role for an assumed-role session (its session name, often a person's,
 * is left out), otherwise only the kind of identity (`IAMUser`, `Root`): a user's name is personal data, and
 * the CloudTrail record the event id points to keeps it under the account's own retention.
 */
export function callerOf(identity: CloudTrailUserIdentity): string {
  const role = identity.sessionContext?.sessionIssuer;
  if (identity.type === 'AssumedRole' && role?.arn) return role.arn;
  return identity.type;
}
