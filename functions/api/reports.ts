/**
 * `POST /reports` starts an export; `GET /reports/{id}` follows it and, once done, links the file, its
 * signed manifest and (where kept) its citations; `GET /reports/{id}/download[?part=manifest|citations]`
 * answers those links where the API serves them (`verdict serve`; in AWS they are presigned S3 URLs).
 */
import { z } from 'zod';
import { DownloadLinkError, REPORT_PARTS, type ReportPart } from '../ports/report-archive.ts';
import {
  InvalidReportRequestError,
  REPORT_FORMATS,
  REPORT_ID_PATTERN,
  REPORT_STATUSES,
  REPORT_TYPES,
  type ReportJob,
  type ReportRequest,
  type ReportService,
} from '../ports/report-service.ts';
import { CONTENT_TYPES } from '../reports/content-types.ts';
import { LEDGER_EXPORT_CONTENT_TYPE } from '../reports/ledger-export-view.ts';
import { PART_CONTENT_TYPES } from '../reports/report-parts.ts';
import { ProblemError } from './problem.ts';
import { type ApiDependencies, defineRoute } from './route.ts';
import { fromBeforeTo, modelName } from './schemas.ts';

/** How long a download link works. */
export const DOWNLOAD_LINK_TTL_SECONDS = 15 * 60;

/** What a download may be: a report in each format, a manifest, citations, a ledger export (tar). */
const DOWNLOAD_MEDIA_TYPES = [
  ...new Set(
    [...Object.values(CONTENT_TYPES), ...Object.values(PART_CONTENT_TYPES), LEDGER_EXPORT_CONTENT_TYPE].map(
      (t) => t.split(';')[0] ?? t,
    ),
  ),
];

/** Reports about one model version need the model. */
const NEEDS_MODEL: readonly ReportRequest['type'][] = ['model-compliance', 'annex-iv'];

const reportRequestSchema = z
  .strictObject({
    type: z.enum(REPORT_TYPES),
    format: z.enum(REPORT_FORMATS),
    model: modelName
      .optional()
      .meta({ description: 'Model package group; required by model-compliance and annex-iv' }),
    version: z
      .string()
      .regex(/^[1-9][0-9]{0,9}$/, { error: 'expected a model version number' })
      .optional()
      .meta({ description: 'Model version; default the latest' }),
    from: z.iso.datetime({ offset: true }).optional().meta({ description: 'Period start, inclusive' }),
    to: z.iso.datetime({ offset: true }).optional().meta({ description: 'Period end, exclusive' }),
  })
  .superRefine((request, ctx) => {
    fromBeforeTo(request, ctx);
    if (NEEDS_MODEL.includes(request.type) && request.model === undefined)
      ctx.addIssue({ code: 'custom', path: ['model'], message: `required for a ${request.type} report` });
    if (request.version !== undefined && request.model === undefined)
      ctx.addIssue({ code: 'custom', path: ['version'], message: 'needs model' });
  })
  .meta({ id: 'ReportRequest' });

const LINK_MINUTES = DOWNLOAD_LINK_TTL_SECONDS / 60;

export const downloadLinkSchema = z
  .object({
    url: z.string().meta({ description: 'A presigned S3 URL in AWS; a signed link to this API locally' }),
    expiresAt: z.string(),
  })
  .meta({ id: 'DownloadLink' });

const reportJobSchema = z
  .object({
    id: z.string(),
    type: z.enum(REPORT_TYPES),
    format: z.enum(REPORT_FORMATS),
    status: z.enum(REPORT_STATUSES),
    progress: z.number().min(0).max(1),
    createdAt: z.string(),
    finishedAt: z.string().optional(),
    error: z.string().optional(),
    sha256: z.string().optional(),
    sizeBytes: z.number().int().min(0).optional(),
    download: downloadLinkSchema
      .optional()
      .meta({ description: `When done: a link to the report that works for ${LINK_MINUTES} minutes` }),
    manifest: downloadLinkSchema.optional().meta({
      description: `When done: a link to its signed manifest, for \`verdict report verify FILE\` with the manifest saved as FILE.manifest (${LINK_MINUTES} minutes)`,
    }),
    citations: downloadLinkSchema.optional().meta({
      description: `When done and the archive keeps them (\`verdict serve\`): a link to its citations, for \`report verify --ledger\` with them saved as FILE.citations (${LINK_MINUTES} minutes)`,
    }),
  })
  .meta({ id: 'ReportJob' });

function reportsOf(deps: ApiDependencies): ReportService {
  if (!deps.reports) {
    throw new ProblemError(503, 'Reports not configured', 'this deployment builds no reports yet');
  }
  return deps.reports;
}

function view(job: ReportJob) {
  return {
    id: job.id,
    type: job.type,
    format: job.format,
    status: job.status,
    progress: Math.min(1, Math.max(0, job.progress)),
    createdAt: job.createdAt,
    ...(job.finishedAt !== undefined && { finishedAt: job.finishedAt }),
    ...(job.error !== undefined && { error: job.error }),
    ...(job.sha256 !== undefined && { sha256: job.sha256 }),
    ...(job.sizeBytes !== undefined && { sizeBytes: job.sizeBytes }),
  };
}

export const startReport = defineRoute({
  id: 'reports.start',
  tag: 'reports',
  summary: 'Start a report export; it runs asynchronously',
  body: reportRequestSchema,
  responses: {
    202: {
      description: 'Queued; follow it at the Location',
      schema: reportJobSchema,
      headers: z.object({ location: z.string().meta({ description: 'The job: /reports/{id}' }) }),
      links: {
        job: { operationId: 'reports.get', parameters: { id: '$response.body#/id' }, description: 'The job' },
      },
    },
  },
  problems: [400, 413, 415, 503],
  async handle({ body, principal }, deps) {
    const reports = reportsOf(deps);
    if (!principal) throw new Error('reports.start is not a public route');
    const request = Object.fromEntries(
      Object.entries(body).filter(([, value]) => value !== undefined),
    ) as unknown as ReportRequest;
    let job: ReportJob;
    try {
      job = await reports.start(request, principal);
    } catch (error) {
      if (error instanceof InvalidReportRequestError)
        throw new ProblemError(400, 'Invalid report request', error.message);
      throw error;
    }
    return { status: 202, body: view(job), headers: { location: `/reports/${encodeURIComponent(job.id)}` } };
  },
});

export const getReport = defineRoute({
  id: 'reports.get',
  tag: 'reports',
  summary: 'A report job: status, progress and, when done, a time-limited download link',
  params: z.strictObject({
    id: z
      .string()
      .regex(REPORT_ID_PATTERN, { error: 'expected a report id' })
      .meta({ description: 'Report id' }),
  }),
  responses: { 200: { description: 'The job', schema: reportJobSchema } },
  problems: [400, 404, 503],
  async handle({ params }, deps) {
    const reports = reportsOf(deps);
    const job = await reports.get(params.id);
    if (!job) throw new ProblemError(404, 'Not found', `no report ${params.id}`);
    if (job.status !== 'done') return { status: 200, body: view(job) };
    const expiresAt = new Date(deps.now().getTime() + DOWNLOAD_LINK_TTL_SECONDS * 1000).toISOString();
    const link = async (part: ReportPart) => {
      const url = await reports.downloadUrl(job.id, DOWNLOAD_LINK_TTL_SECONDS, part);
      return url === undefined ? undefined : { url, expiresAt };
    };
    const [download, manifest, citations] = await Promise.all(REPORT_PARTS.map(link));
    return {
      status: 200,
      body: {
        ...view(job),
        ...(download && { download, ...(manifest && { manifest }), ...(citations && { citations }) }),
      },
    };
  },
});

export const downloadReport = defineRoute({
  id: 'reports.download',
  tag: 'reports',
  summary:
    'A finished report, its manifest or its citations, or a finished ledger export, by a time-limited link GET /reports/{id} or GET /ledger/exports/{id} gave',
  description:
    'Served by `verdict serve` only: in AWS, the links GET /reports/{id} gives are presigned S3 URLs and the API has no such route. The link itself authorises the download, as a presigned URL does: it carries no bearer token.',
  params: z.strictObject({
    id: z
      .string()
      .regex(REPORT_ID_PATTERN, { error: 'expected a report id' })
      .meta({ description: 'Report id' }),
  }),
  // Checked by the archive that signed the link: a malformed one is refused like a forged one (403).
  query: z.object({
    part: z
      .enum(REPORT_PARTS)
      .optional()
      .meta({ description: 'Which file: the report (default), its signed manifest or its citations' }),
    expires: z.string().optional().meta({ description: 'When the link stops working, in Unix seconds' }),
    token: z.string().optional().meta({ description: "The link's signature" }),
  }),
  responses: {
    200: {
      description:
        'The file, as an attachment named after the report (`FILE`, `FILE.manifest`, `FILE.citations`)',
      // Any bytes (a JSON report is JSON, a PDF is binary): no schema to check them against.
      schema: z.unknown().meta({ description: 'The file, byte for byte as archived' }),
      mediaTypes: DOWNLOAD_MEDIA_TYPES,
    },
  },
  problems: [400, 403, 404, 410, 503],
  async handle({ params, query }, deps) {
    const reports = reportsOf(deps);
    if (!reports.download)
      throw new ProblemError(404, 'Not found', 'report links of this deployment are served by the archive');
    try {
      const link = { expires: Number(query.expires ?? Number.NaN), token: query.token ?? '' };
      const file = await reports.download(params.id, link, query.part ?? 'report');
      return { status: 200, body: undefined, file };
    } catch (error) {
      if (!(error instanceof DownloadLinkError)) throw error;
      if (error.reason === 'expired') throw new ProblemError(410, 'Gone', error.message);
      throw new ProblemError(403, 'Forbidden', error.message);
    }
  },
});
