/**
 * Lambda entry point of the report worker: invoked by the `report-requested` rule with a `Verdict Report
 * Requested` event, it builds that job. AWS clients and the read-only ledger are created once per cold
 * start (the ledger opens on the first event); aws-report-worker.ts wires the adapters, create-handler.ts
 * composes middy and report-job.ts is the job itself.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { openAwsLedger } from '../adapters/aws/ledger/open.ts';
import { tracer } from '../shared/observability.ts';
import { createAwsReportWorkerHandler } from './aws-report-worker.ts';

const clients = {
  dynamodb: tracer.captureAWSv3Client(new DynamoDBClient({})),
  s3: tracer.captureAWSv3Client(new S3Client({})),
  kms: tracer.captureAWSv3Client(new KMSClient({})),
};

// Read only, opened on the first event; with no log yet a report says so (`checkpoint: null`).
const ledger = openAwsLedger({ mode: 'read-only', clients });

export const handler = createAwsReportWorkerHandler({
  clients,
  ledger: ledger.reader,
  openLedger: async () => (await ledger.open()).ledger,
  tmpDir: '/tmp',
});
