/** Lambda entry point of the model-registry gate: AWS adapters, created once per cold start. */

import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DynamoDbDecisionStore } from '../../adapters/aws/dynamodb-decision-store.ts';
import { EventBridgePublisher } from '../../adapters/aws/eventbridge-publisher.ts';
import { openAwsLedger } from '../../adapters/aws/ledger/open.ts';
import { S3ObjectStore } from '../../adapters/aws/s3-object-store.ts';
import { SageMakerModelRegistry } from '../../adapters/aws/sagemaker-model-registry.ts';
import { LedgerDecisionStore } from '../../ledger/ledger-decision-store.ts';
import { LedgerExceptionStore } from '../../ledger/ledger-exception-store.ts';
import { tracer } from '../../shared/observability.ts';
import { cachedPolicyEngine } from '../policy/engine-cache.ts';
import { createModelRegistryGateHandler } from './create-handler.ts';
import { readModelRegistryGateEnvironment } from './environment.ts';

const env = readModelRegistryGateEnvironment();
const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));
const records = new DynamoDbDecisionStore(dynamodb, env.VERDICT_DECISIONS_TABLE);
const s3 = tracer.captureAWSv3Client(new S3Client({}));
const { audit } = openAwsLedger({
  mode: 'writer',
  clients: { dynamodb, s3, kms: tracer.captureAWSv3Client(new KMSClient({})) },
});

export const handler = createModelRegistryGateHandler({
  registry: new SageMakerModelRegistry(tracer.captureAWSv3Client(new SageMakerClient({}))),
  objects: new S3ObjectStore(s3),
  // The audit ledger is the record of truth; the table serves queries.
  decisions: new LedgerDecisionStore(audit, records),
  exceptions: new LedgerExceptionStore(audit, records),
  actions: audit,
  events: new EventBridgePublisher(
    tracer.captureAWSv3Client(new EventBridgeClient({})),
    env.VERDICT_EVENT_BUS_NAME,
  ),
  policyEngine: cachedPolicyEngine(env.VERDICT_POLICY_BUNDLE, env),
  environment: env.VERDICT_ENVIRONMENT,
  now: () => new Date(),
  deadlineMs: 50_000,
  idempotencyStore: new DynamoDBPersistenceLayer({
    tableName: env.VERDICT_IDEMPOTENCY_TABLE,
    awsSdkV3Client: dynamodb,
  }),
});
