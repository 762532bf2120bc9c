/**
 * `POST /ledger/exports` starts an export of the audit ledger, built by the report worker; `GET
 * /ledger/exports/{id}` follows it and, once done, links one tar file of the `verdict ledger export` layout
 * (entries.jsonl, checkpoint, checkpoints/<size>, vkey) for `verdict ledger verify FILE --key VKEY`. The link
 * is answered as a report's (a presigned S3 URL in AWS; `/reports/{id}/download` under `verdict serve`).
 */
import { z } from 'zod';
import type { LedgerExportJob, LedgerExportService } from '../ports/ledger-export-service.ts';
import { REPORT_ID_PATTERN, REPORT_STATUSES } from '../ports/report-service.ts';
import { ProblemError } from './problem.ts';
import { DOWNLOAD_LINK_TTL_SECONDS, downloadLinkSchema } from './reports.ts';
import { type ApiDependencies, defineRoute } from './route.ts';

const ledgerExportRequestSchema = z
  .strictObject({
    size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().meta({
      description:
        'Export the first `size` entries: a tree size the log signed a checkpoint at (GET /ledger/checkpoint, or a checkpoint of an earlier export). Default: the newest signed checkpoint',
    }),
  })
  .meta({ id: 'LedgerExportRequest' });

const ledgerExportJobSchema = z
  .object({
    id: z.string(),
    status: z.enum(REPORT_STATUSES),
    progress: z.number().min(0).max(1),
    createdAt: z.string(),
    requestedSize: z.number().int().optional().meta({ description: 'The size asked for, if one was' }),
    finishedAt: z.string().optional(),
    error: z.string().optional(),
    treeSize: z.number().int().optional().meta({ description: 'When done: the tree size exported' }),
    sha256: z.string().optional().meta({ description: 'When done: of the tar file (hex)' }),
    sizeBytes: z.number().int().min(0).optional(),
    download: downloadLinkSchema.optional().meta({
      description: `When done: a link to the tar file that works for ${DOWNLOAD_LINK_TTL_SECONDS / 60} minutes; check it with \`verdict ledger verify FILE --key VKEY\``,
    }),
  })
  .meta({ id: 'LedgerExportJob' });

function exportsOf(deps: ApiDependencies): LedgerExportService {
  if (!deps.ledgerExports || !deps.ledger)
    throw new ProblemError(503, 'Ledger exports not configured', 'this deployment exports no ledger yet');
  return deps.ledgerExports;
}

function view(job: LedgerExportJob) {
  return { ...job, progress: Math.min(1, Math.max(0, job.progress)) };
}

const exportId = z.strictObject({
  id: z
    .string()
    .regex(REPORT_ID_PATTERN, { error: 'expected a ledger export id' })
    .meta({ description: 'Ledger export id' }),
});

export const startLedgerExport = defineRoute({
  id: 'ledger-exports.start',
  tag: 'ledger',
  summary: 'Start an export of the audit ledger as one tar file; it runs asynchronously',
  description:
    'The file holds exactly what `verdict ledger export` writes (entries.jsonl, checkpoint, checkpoints/<size>, vkey), up to the newest signed checkpoint or the size asked for, and is kept under Object Lock like a report. Send `{}` for the newest checkpoint.',
  body: ledgerExportRequestSchema,
  responses: {
    202: {
      description: 'Queued; follow it at the Location',
      schema: ledgerExportJobSchema,
      headers: z.object({ location: z.string().meta({ description: 'The job: /ledger/exports/{id}' }) }),
      links: {
        job: {
          operationId: 'ledger-exports.get',
          parameters: { id: '$response.body#/id' },
          description: 'The job',
        },
      },
    },
  },
  problems: [400, 409, 413, 415, 503],
  async handle({ body, principal }, deps) {
    const exports = exportsOf(deps);
    if (!principal) throw new Error('ledger-exports.start is not a public route');
    const latest = await deps.ledger?.latestCheckpoint();
    if (!latest) throw new ProblemError(409, 'Nothing to export', 'the ledger has no signed checkpoint yet');
    if (body.size !== undefined && body.size > latest.size)
      throw new ProblemError(
        400,
        'Invalid ledger export request',
        `size ${body.size} is beyond the newest signed checkpoint (size ${latest.size})`,
      );
    const job = await exports.start(body.size === undefined ? {} : { size: body.size }, principal);
    return {
      status: 202,
      body: view(job),
      headers: { location: `/ledger/exports/${encodeURIComponent(job.id)}` },
    };
  },
});

export const getLedgerExport = defineRoute({
  id: 'ledger-exports.get',
  tag: 'ledger',
  summary: 'A ledger export job: status and, when done, a time-limited link to the tar file',
  params: exportId,
  responses: { 200: { description: 'The job', schema: ledgerExportJobSchema } },
  problems: [400, 404, 503],
  async handle({ params }, deps) {
    const exports = exportsOf(deps);
    const job = await exports.get(params.id);
    if (!job) throw new ProblemError(404, 'Not found', `no ledger export ${params.id}`);
    if (job.status !== 'done') return { status: 200, body: view(job) };
    const url = await exports.downloadUrl(job.id, DOWNLOAD_LINK_TTL_SECONDS);
    const expiresAt = new Date(deps.now().getTime() + DOWNLOAD_LINK_TTL_SECONDS * 1000).toISOString();
    return {
      status: 200,
      body: { ...view(job), ...(url !== undefined && { download: { url, expiresAt } }) },
    };
  },
});
