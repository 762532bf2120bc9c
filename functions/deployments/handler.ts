/** Lambda entry point of the deployment orchestrator: AWS adapters, created once per cold start. */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EKSClient } from '@aws-sdk/client-eks';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { openAwsLedger } from '../adapters/aws/ledger/open.ts';
import { S3ObjectStore } from '../adapters/aws/s3-object-store.ts';
import { SageMakerModelRegistry } from '../adapters/aws/sagemaker-model-registry.ts';
import { tracer } from '../shared/observability.ts';
import { orchestratorDeps, orchestratorRecords } from './aws-orchestrator.ts';
import { createDeploymentOrchestratorHandler } from './create-handler.ts';
import { readDeploymentOrchestratorEnvironment } from './environment.ts';
import { RegistryDeploymentFacts } from './registry-facts.ts';

const env = readDeploymentOrchestratorEnvironment();
const now = () => new Date();
const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));
const s3 = tracer.captureAWSv3Client(new S3Client({}));
const sagemaker = tracer.captureAWSv3Client(new SageMakerClient({}));
const awsLedger = openAwsLedger({
  mode: 'writer',
  clients: { dynamodb, s3, kms: tracer.captureAWSv3Client(new KMSClient({})) },
});
const clients = {
  dynamodb,
  sagemaker,
  eventbridge: tracer.captureAWSv3Client(new EventBridgeClient({})),
  scheduler: tracer.captureAWSv3Client(new SchedulerClient({})),
  eks: tracer.captureAWSv3Client(new EKSClient({})),
  ledger: awsLedger.audit,
};
const records = orchestratorRecords(env, clients, now);
const facts = new RegistryDeploymentFacts({
  registry: new SageMakerModelRegistry(sagemaker),
  objects: new S3ObjectStore(s3),
  decisions: records.decisions,
  exceptions: records.exceptions,
  actions: awsLedger.audit,
});

export const handler = createDeploymentOrchestratorHandler(
  orchestratorDeps(env, clients, facts, { now, records }),
);
