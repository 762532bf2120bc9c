/**
 * `verdict report --stack NAME`: a report of a deployed stack, requested as its auditor API requests one
 * (QueuedReportService): the job is recorded in the report jobs table, the requester sealed under their
 * own key, and `Verdict Report Requested` is published on the stack's bus, where the report worker picks it
 * up. Then the command waits for the job and copies the report and its signed manifest from the reports
 * bucket; with --no-wait it prints the job id (`--job ID` later waits for it and copies it).
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DynamoDbDecisionStore } from '../../adapters/aws/dynamodb-decision-store.ts';
import { DynamoDbReportJobStore } from '../../adapters/aws/dynamodb-report-job-store.ts';
import { EventBridgePublisher } from '../../adapters/aws/eventbridge-publisher.ts';
import { lambdaPersonalData } from '../../adapters/aws/ledger/personal-data.ts';
import { S3ReportArchive } from '../../adapters/aws/s3-report-archive.ts';
import { downloadArchivedReport } from '../../adapters/aws/s3-report-download.ts';
import type { Principal } from '../../contracts/principal.ts';
import type { ReportJobRecord } from '../../ports/report-job-store.ts';
import { REPORT_ID_PATTERN, type ReportRequest } from '../../ports/report-service.ts';
import { ReportInputError } from '../../reports/errors.ts';
import { QueuedReportService } from '../../reports/report-service.ts';
import { LEDGER_ENVIRONMENT } from '../../shared/environment.ts';
import { plural } from '../../shared/plural.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { pollUntil } from './poll.ts';
import type { StackStores } from './stack-stores.ts';

/** How long at most the job is waited for (the worker's Lambda timeout, and more). */
const DEFAULT_WAIT_SECONDS = 20 * 60;

export interface StackReportOptions {
  /** A new report; absent with `job`. */
  request?: ReportRequest;
  /** An earlier job to wait for and copy. */
  job?: string;
  out?: string;
  wait: boolean;
  waitSeconds?: number;
}

export async function stackReport(deployed: StackStores, options: StackReportOptions): Promise<void> {
  const { stack, clients } = deployed;
  const jobs = new DynamoDbReportJobStore(clients.dynamodb, stack.reports.jobsTable);
  let id = options.job;
  if (id !== undefined && !REPORT_ID_PATTERN.test(id))
    throw new UsageError(`--job ${id}: expected a report job id`);
  if (options.request) {
    const job = await startJob(deployed, jobs, options.request);
    id = job;
    process.stderr.write(`verdict: report job ${id} queued on stack ${stack.stackName}\n`);
  }
  if (id === undefined) throw new UsageError('--type and --format, or --job ID, are required');
  if (!options.wait) {
    process.stdout.write(`${id}\n`);
    return;
  }
  if (!options.out) throw new UsageError('--out is required (where the report is written)');
  const record = await waitFor(jobs, id, (options.waitSeconds ?? DEFAULT_WAIT_SECONDS) * 1000);
  if (!record) return;
  const files = await downloadArchivedReport(
    clients.s3,
    stack.reports.bucket,
    record.objectKey as string,
    options.out,
  );
  process.stderr.write(
    `verdict: wrote ${files.report} (${record.type}, ${record.format}, ${plural(record.sizeBytes ?? 0, 'byte')}, sha256 ${record.sha256}) and its signed manifest ${files.manifest}\n`,
  );
}

async function startJob(deployed: StackStores, jobs: DynamoDbReportJobStore, request: ReportRequest) {
  const { stack, clients } = deployed;
  const keys = deployed.subjectKeys();
  const personal = lambdaPersonalData(
    { dynamodb: clients.dynamodb, kms: clients.kms },
    { [LEDGER_ENVIRONMENT.subjectKeysTable]: keys.table, [LEDGER_ENVIRONMENT.dataKeyId]: keys.keyArn },
  );
  const service = new QueuedReportService({
    jobs,
    // start() archives nothing: the worker puts the report, with the stack's retention.
    archive: new S3ReportArchive(clients.s3, { bucket: stack.reports.bucket, retentionDays: 1 }),
    events: new EventBridgePublisher(clients.eventbridge, stack.eventBusName),
    sources: { decisions: new DynamoDbDecisionStore(clients.dynamodb, stack.decisionsTable) },
  });
  const caller = await clients.sts.send(new GetCallerIdentityCommand({}));
  // The caller reaches the stack's tables directly: as an IAM principal that starts reports.
  const requester: Principal = {
    id: await (await personal()).sealField(caller.Arn ?? 'unknown'),
    role: 'compliance-officer',
    via: 'iam',
  };
  try {
    return (await service.start(request, requester)).id;
  } catch (error) {
    if (error instanceof ReportInputError) throw new UsageError(error.message);
    throw error;
  }
}

/** The finished job; undefined (exit code set, reason on stderr) when it failed or took too long. */
async function waitFor(
  jobs: DynamoDbReportJobStore,
  id: string,
  timeoutMs: number,
): Promise<ReportJobRecord | undefined> {
  const { value: job, reached } = await pollUntil(
    async () => {
      const found = await jobs.get(id);
      if (!found || found.kind === 'ledger-export') throw new UsageError(`no report job ${id}`);
      return found;
    },
    (found) => (found.status === 'done' && Boolean(found.objectKey)) || found.status === 'failed',
    { timeoutMs },
  );
  if (!reached) {
    process.stderr.write(
      `verdict: report job ${id} is still ${job.status} (${Math.round(job.progress * 100)}%); wait for it later with --job ${id}\n`,
    );
    process.exitCode = EXIT.internal;
    return undefined;
  }
  if (job.status === 'failed') {
    process.stderr.write(`verdict: report job ${id} failed: ${job.error ?? 'no reason recorded'}\n`);
    process.exitCode = EXIT.internal;
    return undefined;
  }
  return job;
}
