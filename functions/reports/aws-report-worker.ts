/**
 * The report worker wired to AWS (functions/reports/handler.ts is its Lambda entry):
 *
 *   jobs        the report jobs table (DynamoDbReportJobStore): claim, progress, outcome
 *   archive     the reports bucket (S3ReportArchive): report and manifest under Object Lock COMPLIANCE
 *   decisions   the decisions table (DynamoDbDecisionStore), which also holds the exceptions
 *   ledger      the audit ledger, read only: where each decision is, and the checkpoint the report cites
 *   signer      the report signing key (KmsSigner, KMS Ed25519, VERDICT_REPORT_SIGNING_KEY_ID): the manifest
 *               is a signed note like a checkpoint, but under a key of its own, so the report worker cannot
 *               sign checkpoints
 *
 * Nothing is called at module load: the signer reads its public key (GetPublicKey) and the ledger opens on
 * the first event, once per cold start; a failed attempt is retried by the next event.
 */
import type { Context } from 'aws-lambda';
import { DynamoDbDecisionStore } from '../adapters/aws/dynamodb-decision-store.ts';
import { DynamoDbReportJobStore } from '../adapters/aws/dynamodb-report-job-store.ts';
import { KmsSigner } from '../adapters/aws/kms-signer.ts';
import {
  type AwsLedgerClients,
  awsLedgerOptionsFromEnvironment,
  openAwsLedger,
} from '../adapters/aws/ledger-aws.ts';
import { LedgerReadOnlyError } from '../adapters/aws/ledger-aws-store.ts';
import { S3ReportArchive } from '../adapters/aws/s3-report-archive.ts';
import type { LedgerStore } from '../ledger/ports/ledger-store.ts';
import { LEDGER_ENVIRONMENT } from '../shared/environment.ts';
import { once } from '../shared/once.ts';
import { createReportWorkerHandler, type ReportWorkerHandler } from './create-worker-handler.ts';
import { REPORT_SIGNING_KEY_VARIABLE, readReportWorkerEnvironment } from './environment.ts';
import type { ReportSources } from './report-inputs.ts';

export interface AwsReportWorkerOptions {
  clients: AwsLedgerClients;
  env?: NodeJS.ProcessEnv;
  /** Scratch space for the report file; Lambda: /tmp (the function's ephemeral storage). */
  tmpDir?: string;
  now?: () => Date;
}

type LedgerPositions = NonNullable<ReportSources['ledger']>;

/**
 * The read-only ledger, opened on first use. A ledger with no log yet (nothing was ever recorded) has no
 * positions and no checkpoint: the report says so (`checkpoint: null`) rather than failing; the next call
 * looks again.
 */
export function readOnlyLedgerPositions(
  open: () => Promise<Pick<LedgerStore, 'entryById' | 'nodeHashes' | 'latestCheckpoint'>>,
): LedgerPositions {
  const store = once(open);
  const orNothing = async <T>(read: (s: Awaited<ReturnType<typeof open>>) => Promise<T>) => {
    let opened: Awaited<ReturnType<typeof open>>;
    try {
      opened = await store();
    } catch (error) {
      if (error instanceof LedgerReadOnlyError) return undefined;
      throw error;
    }
    return read(opened);
  };
  return {
    entryById: (id) => orNothing((s) => s.entryById(id)),
    nodeHashes: async (ids) => (await orNothing((s) => s.nodeHashes(ids))) ?? [],
    latestCheckpoint: () => orNothing((s) => s.latestCheckpoint()),
  };
}

export function createAwsReportWorkerHandler(options: AwsReportWorkerOptions): ReportWorkerHandler {
  const rawEnv = options.env ?? process.env;
  const env = readReportWorkerEnvironment(rawEnv);
  const { clients } = options;
  const now = options.now ?? (() => new Date());
  const records = new DynamoDbDecisionStore(clients.dynamodb, env.VERDICT_DECISIONS_TABLE);
  const ledger = readOnlyLedgerPositions(
    async () =>
      (await openAwsLedger(awsLedgerOptionsFromEnvironment(clients, rawEnv, { readOnly: true }))).store,
  );
  const worker = once(async () =>
    createReportWorkerHandler({
      jobs: new DynamoDbReportJobStore(clients.dynamodb, env.VERDICT_REPORT_JOBS_TABLE),
      archive: new S3ReportArchive(clients.s3, {
        bucket: env.VERDICT_REPORTS_BUCKET,
        retentionDays: env.VERDICT_REPORT_RETENTION_DAYS,
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
    }),
  );
  return async (event: unknown, context: Context) => (await worker())(event, context);
}
