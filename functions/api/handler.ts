/** Lambda entry point of the auditor API: AWS adapters, created once per cold start. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DynamoDbAccessLog } from '../adapters/aws/dynamodb-access-log.ts';
import { DynamoDbDecisionStore } from '../adapters/aws/dynamodb-decision-store.ts';
import { SageMakerModelCatalog } from '../adapters/aws/sagemaker-model-catalog.ts';
import { tracer } from '../shared/observability.ts';
import { readApiEnvironment } from './api-environment.ts';
import { awsAuthenticator } from './auth/aws-principal.ts';
import { createApiHandler } from './create-handler.ts';

const env = readApiEnvironment();
const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));
const records = new DynamoDbDecisionStore(dynamodb, env.VERDICT_DECISIONS_TABLE);

// The ledger and the report service are wired when their AWS adapters land: until then their routes
// answer 503 "not configured".
export const handler = createApiHandler({
  decisions: records,
  exceptions: records,
  models: new SageMakerModelCatalog(
    tracer.captureAWSv3Client(new SageMakerClient({})),
    env.VERDICT_MODEL_PACKAGE_GROUP_PREFIX,
  ),
  accessLog: new DynamoDbAccessLog(dynamodb, env.VERDICT_DECISIONS_TABLE),
  authenticate: awsAuthenticator({
    roleMap: env.VERDICT_API_ROLE_MAP,
    ...(env.VERDICT_API_JWT_GROUPS_CLAIM && { groupsClaim: env.VERDICT_API_JWT_GROUPS_CLAIM }),
    groupRoles: env.VERDICT_API_JWT_GROUP_ROLES,
  }),
  now: () => new Date(),
});
