/**
 * SDK clients for the caller of a deployed stack (the CLI with `--stack`): the region and profile the
 * caller names, the caller's own credentials from the SDK's default chain (environment, SSO, profile). An
 * endpoint set in the environment (AWS_ENDPOINT_URL) is honoured by the SDK itself.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { STSClient } from '@aws-sdk/client-sts';

export interface CallerConfig {
  region?: string;
  profile?: string;
}

export interface StackClients {
  cloudformation: CloudFormationClient;
  dynamodb: DynamoDBClient;
  s3: S3Client;
  kms: KMSClient;
  eventbridge: EventBridgeClient;
  sagemaker: SageMakerClient;
  sts: STSClient;
}

/** The clients, each created on first use with the caller's region and profile. */
export function stackClients(caller: CallerConfig): StackClients {
  const config = {
    ...(caller.region && { region: caller.region }),
    ...(caller.profile && { profile: caller.profile }),
  };
  const made = new Map<keyof StackClients, unknown>();
  const client = <K extends keyof StackClients>(key: K, make: () => StackClients[K]): StackClients[K] => {
    if (!made.has(key)) made.set(key, make());
    return made.get(key) as StackClients[K];
  };
  return {
    get cloudformation() {
      return client('cloudformation', () => new CloudFormationClient(config));
    },
    get dynamodb() {
      return client('dynamodb', () => new DynamoDBClient(config));
    },
    get s3() {
      return client('s3', () => new S3Client(config));
    },
    get kms() {
      return client('kms', () => new KMSClient(config));
    },
    get eventbridge() {
      return client('eventbridge', () => new EventBridgeClient(config));
    },
    get sagemaker() {
      return client('sagemaker', () => new SageMakerClient(config));
    },
    get sts() {
      return client('sts', () => new STSClient(config));
    },
  };
}
