/**
 * Lambda entry point of the report worker: invoked by the `report-requested` rule with a `Verdict Report
 * Requested` event, it builds that job (functions/reports/aws-report-worker.ts). AWS clients are created
 * once per cold start.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { tracer } from '../shared/observability.ts';
import { createAwsReportWorkerHandler } from './aws-report-worker.ts';

export const handler = createAwsReportWorkerHandler({
  clients: {
    dynamodb: tracer.captureAWSv3Client(new DynamoDBClient({})),
    s3: tracer.captureAWSv3Client(new S3Client({})),
    kms: tracer.captureAWSv3Client(new KMSClient({})),
  },
  tmpDir: '/tmp',
});
