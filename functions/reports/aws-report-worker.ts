/**
 * The report worker wired to AWS (functions/reports/handler.ts is its Lambda entry):
 *
 *   jobs        the report jobs table (DynamoDbReportJobStore): claim, progress, outcome
 *   archive     the reports bucket (S3ReportArchive): report and manifest under Object Lock COMPLIANCE
 *   decisions   the decisions table (DynamoDbDecisionStore), which also holds the exceptions
 *   ledger      the audit ledger, read only, given by the caller (handler.ts opens it): where each decision
 *               is, and the checkpoint the report cites; ledger exports read its entries and checkpoints
 *   signer      the report signing key (KmsSigner, KMS Ed25519, VERDICT_REPORT_SIGNING_KEY_ID): the manifest
 *               is a signed note like a checkpoint, but under a key of its own, so the report worker cannot
 *               sign checkpoints
 *
 * Nothing is called at module load: the signer reads its public key (GetPublicKey) on the first event, once
 * per cold start; a failed attempt is retried by the next event.
 */
import type { Context } from 'aws-lambda';
import { DynamoDbDecisionStore } from '../adapters/aws/dynamodb-decision-store.ts';
import { DynamoDbReportJobStore } from '../adapters/aws/dynamodb-report-job-store.ts';
import { KmsSigner } from '../adapters/aws/kms-signer.ts';
import type { AwsLedgerClients } from '../adapters/aws/ledger/open.ts';
import { S3ReportArchive } from '../adapters/aws/s3-report-archive.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { LEDGER_ENVIRONMENT } from '../shared/environment.ts';
import { once } from '../shared/once.ts';
import { createReportWorkerHandler, type ReportWorkerHandler } from './create-handler.ts';
import { REPORT_SIGNING_KEY_VARIABLE, readReportWorkerEnvironment } from './environment.ts';
import type { ReportSources } from './report-inputs.ts';

export interface AwsReportWorkerOptions {
  clients: AwsLedgerClients;
  /** The audit ledger, read only (`openAwsLedger({ mode: 'read-only' }).reader`). */
  ledger: NonNullable<ReportSources['ledger']>;
  /** The same ledger opened whole, read only, for ledger exports (`openAwsLedger(...).open`). */
  openLedger?: () => Promise<Ledger>;
  env?: NodeJS.ProcessEnv;
  /** Scratch space for the report file; Lambda: /tmp (the function's ephemeral storage). */
  tmpDir?: string;
  now?: () => Date;
}

export function createAwsReportWorkerHandler(options: AwsReportWorkerOptions): ReportWorkerHandler {
  const env = readReportWorkerEnvironment(options.env ?? process.env);
  const { clients, ledger } = options;
  const now = options.now ?? (() => new Date());
  const records = new DynamoDbDecisionStore(clients.dynamodb, env.VERDICT_DECISIONS_TABLE);
  const worker = once(async () =>
    createReportWorkerHandler({
      jobs: new DynamoDbReportJobStore(clients.dynamodb, env.VERDICT_REPORT_JOBS_TABLE),
      archive: new S3ReportArchive(clients.s3, {
        bucket: env.VERDICT_REPORTS_BUCKET,
        retentionDays: env.VERDICT_REPORT_RETENTION_DAYS,
        mode: env[LEDGER_ENVIRONMENT.objectLockMode],
        now,
      }),
      sources: { decisions: records, exceptions: records, ledger },
      // Before the job is claimed: if KMS cannot be reached, the event is retried and the job still waits.
      signer: await KmsSigner.create({
        kms: clients.kms,
        keyId: env[REPORT_SIGNING_KEY_VARIABLE],
        name: env[LEDGER_ENVIRONMENT.origin],
      }),
      tmpDir: options.tmpDir ?? '/tmp',
      now,
      ...(options.openLedger && { openLedger: options.openLedger }),
    }),
  );
  return async (event: unknown, context: Context) => (await worker())(event, context);
}
