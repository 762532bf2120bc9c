/**
 * Out-of-band changes for the integration tests: what a person does to an endpoint with the SDK, and
 * CloudTrail's record of the call as EventBridge delivers it. moto emits no CloudTrail events, so the record
 * is built as AWS documents it for a SageMaker call (an assumed role's session, the request parameters, the
 * response elements).
 */
import { randomUUID } from 'node:crypto';
import {
  CreateEndpointConfigCommand,
  CreateModelCommand,
  type SageMakerClient,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { CLOUDTRAIL_API_CALL } from '../../functions/contracts/cloudtrail-sagemaker-call.ts';
import { EMULATOR_ACCOUNT, EMULATOR_REGION, uniqueName } from './aws-clients.ts';

export const FOREIGN_IMAGE = `${EMULATOR_ACCOUNT}.dkr.ecr.${EMULATOR_REGION}.amazonaws.com/hotfix:latest`;
export const FOREIGN_MODEL_DATA = 's3://scratch/hotfix/model.tar.gz';

/** What a person does with the SDK: a model of their own, a config for it, and UpdateEndpoint to that config. */
export async function pointAtForeignModel(
  sagemaker: SageMakerClient,
  endpointName: string,
  executionRoleArn: string,
): Promise<string> {
  const name = uniqueName('hotfix');
  await sagemaker.send(
    new CreateModelCommand({
      ModelName: name,
      ExecutionRoleArn: executionRoleArn,
      PrimaryContainer: {
        Image: FOREIGN_IMAGE,
        ModelDataUrl: FOREIGN_MODEL_DATA,
      },
    }),
  );
  await sagemaker.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: name,
      ProductionVariants: [
        { VariantName: 'primary', ModelName: name, InstanceType: 'ml.m5.large', InitialInstanceCount: 1 },
      ],
    }),
  );
  await sagemaker.send(new UpdateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: name }));
  return name;
}

/** CloudTrail's record of UpdateEndpoint as EventBridge delivers it (see the header). */
export function cloudTrailUpdateEndpoint(endpointName: string, endpointConfigName: string, roleArn: string) {
  const roleName = roleArn.split('/').at(-1);
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': CLOUDTRAIL_API_CALL,
    source: 'aws.sagemaker',
    account: EMULATOR_ACCOUNT,
    time: new Date().toISOString(),
    region: EMULATOR_REGION,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLE:session',
        arn: `arn:aws:sts::${EMULATOR_ACCOUNT}:assumed-role/${roleName}/session`,
        accountId: EMULATOR_ACCOUNT,
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: 'AROAEXAMPLE',
            arn: roleArn,
            accountId: EMULATOR_ACCOUNT,
          },
          attributes: { creationDate: new Date().toISOString(), mfaAuthenticated: 'false' },
        },
      },
      eventTime: new Date().toISOString(),
      eventSource: 'sagemaker.amazonaws.com',
      eventName: 'UpdateEndpoint',
      awsRegion: EMULATOR_REGION,
      sourceIPAddress: '198.51.100.7',
      userAgent: 'aws-sdk-js/3',
      requestParameters: { endpointName, endpointConfigName },
      responseElements: {
        endpointArn: `arn:aws:sagemaker:${EMULATOR_REGION}:${EMULATOR_ACCOUNT}:endpoint/${endpointName.toLowerCase()}`,
      },
      requestID: randomUUID(),
      eventID: randomUUID(),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: EMULATOR_ACCOUNT,
      eventCategory: 'Management',
    },
  };
}
