/** Lambda entry point of the auditor API: AWS adapters, created once per cold start. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DynamoDbAccessLog } from '../adapters/aws/dynamodb-access-log.ts';
import { DynamoDbDecisionStore } from '../adapters/aws/dynamodb-decision-store.ts';
import { DynamoDbDeploymentStore } from '../adapters/aws/dynamodb-deployment-store.ts';
import { DynamoDbReportJobStore } from '../adapters/aws/dynamodb-report-job-store.ts';
import { EventBridgePublisher } from '../adapters/aws/eventbridge-publisher.ts';
import { openAwsLedger } from '../adapters/aws/ledger/open.ts';
import { lambdaPersonalData } from '../adapters/aws/ledger/personal-data.ts';
import { S3ReportArchive } from '../adapters/aws/s3-report-archive.ts';
import { SageMakerModelCatalog } from '../adapters/aws/sagemaker-model-catalog.ts';
import { lazyFieldSealer } from '../ports/field-sealer.ts';
import type { LedgerExportService } from '../ports/ledger-export-service.ts';
import type { ReportService } from '../ports/report-service.ts';
import { QueuedLedgerExportService } from '../reports/ledger-export-service.ts';
import { QueuedReportService } from '../reports/report-service.ts';
import { tracer } from '../shared/observability.ts';
import { awsAuthenticator } from './auth/aws-principal.ts';
import { createApiHandler } from './create-handler.ts';
import { readApiEnvironment } from './environment.ts';
import { sealedAccessLog, sealedLedgerExportService, sealedReportService } from './sealed-personal-data.ts';

const env = readApiEnvironment();
const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));
const s3 = tracer.captureAWSv3Client(new S3Client({}));
const kms = tracer.captureAWSv3Client(new KMSClient({}));
const records = new DynamoDbDecisionStore(dynamodb, env.VERDICT_DECISIONS_TABLE);
/** Verdict's bus: report and export jobs, deployment requests and rollbacks are announced on it. */
const events = env.VERDICT_EVENT_BUS_NAME
  ? new EventBridgePublisher(tracer.captureAWSv3Client(new EventBridgeClient({})), env.VERDICT_EVENT_BUS_NAME)
  : undefined;
/** Callers and report requesters are sealed under their own keys before anything is stored. */
const personal = lazyFieldSealer(lambdaPersonalData({ dynamodb, kms }));

/**
 * Jobs (reports and ledger exports) are recorded in the report jobs table and announced as `Verdict Report
 * Requested` on the verdict bus, where the report worker picks them up. Finished files are presigned from
 * the Object Lock bucket.
 */
function reportServices(): { reports: ReportService; ledgerExports: LedgerExportService } | undefined {
  const { VERDICT_REPORTS_BUCKET: bucket, VERDICT_REPORT_JOBS_TABLE: table } = env;
  if (!bucket || !table || !events) return undefined;
  const jobs = new DynamoDbReportJobStore(dynamodb, table);
  const archive = new S3ReportArchive(s3, { bucket, retentionDays: env.VERDICT_REPORT_RETENTION_DAYS });
  return {
    reports: sealedReportService(
      new QueuedReportService({ jobs, archive, events, sources: { decisions: records } }),
      personal,
    ),
    // Ledger exports are jobs of the same table, built by the report worker into the same bucket.
    ledgerExports: sealedLedgerExportService(
      new QueuedLedgerExportService({ jobs, archive, events }),
      personal,
    ),
  };
}
const services = reportServices();

/** Read-only: the API signs and writes nothing in the ledger, and reads up to its newest published size. */
const ledger = openAwsLedger({ mode: 'read-only', clients: { dynamodb, s3, kms } }).reader;

export const handler = createApiHandler({
  ledger,
  decisions: records,
  exceptions: records,
  models: new SageMakerModelCatalog(
    tracer.captureAWSv3Client(new SageMakerClient({})),
    env.VERDICT_MODEL_PACKAGE_GROUP_PREFIX,
  ),
  accessLog: sealedAccessLog(new DynamoDbAccessLog(dynamodb, env.VERDICT_DECISIONS_TABLE), personal),
  authenticate: awsAuthenticator({
    roleMap: env.VERDICT_API_ROLE_MAP,
    ...(env.VERDICT_API_JWT_GROUPS_CLAIM && { groupsClaim: env.VERDICT_API_JWT_GROUPS_CLAIM }),
    groupRoles: env.VERDICT_API_JWT_GROUP_ROLES,
  }),
  ...services,
  personal,
  // The orchestration's records; requests and rollbacks go to it on the bus.
  ...(env.VERDICT_DEPLOYMENTS_TABLE && {
    deployments: new DynamoDbDeploymentStore(dynamodb, env.VERDICT_DEPLOYMENTS_TABLE),
  }),
  ...(events && { events }),
  now: () => new Date(),
});
