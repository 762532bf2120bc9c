/**
 * Reports on one machine: jobs run in this process, asynchronously, one after another; the report, its
 * signed manifest and the job's state are files under `<dataDir>/reports/`:
 *
 *   <id>.job.json          the job (status, progress, request, who asked), rewritten as it progresses
 *   <id>.<format>          the report
 *   <id>.<format>.manifest its signed manifest
 *
 * A download link is `<baseUrl>/reports/<id>/download?expires=<unix seconds>&token=<HMAC>`: the HMAC-SHA-256
 * of the id and expiry under a key in `<dataDir>/reports/url.key`, so it works until it expires and only
 * for that report. The local server answers those links (local/http/report-download.ts).
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  createWriteStream,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Principal } from '../../contracts/principal.ts';
import { DEFAULT_ORIGIN } from '../../ledger/ledger.ts';
import type { Signer } from '../../ledger/ports/signer.ts';
import {
  REPORT_ID_PATTERN,
  type ReportJob,
  type ReportRequest,
  type ReportService,
} from '../../ports/report-service.ts';
import { CITATIONS_SUFFIX } from '../../reports/citations.ts';
import { CONTENT_TYPES, generateReport } from '../../reports/generate-report.ts';
import { MANIFEST_SUFFIX } from '../../reports/manifest.ts';
import { checkReportRequest, type ReportSources } from '../../reports/report-inputs.ts';
import { jobProgress } from '../../reports/report-job.ts';
import { loadOrCreateSecret, loadOrCreateSignerKey } from './ledger/key-file.ts';
import { openLocalLedger } from './ledger/sqlite-ledger.ts';

export interface LocalReportServiceOptions {
  dataDir: string;
  sources: ReportSources;
  signer: Signer;
  /** Where the local server listens, e.g. `http://127.0.0.1:8787`; download links start with it. */
  baseUrl: () => string;
  now?: () => Date;
}

interface StoredJob extends ReportJob {
  request: ReportRequest;
  requestedBy: Principal;
  /** The report file name inside the reports directory, once done. */
  file?: string;
}

export type DownloadCheck =
  | { ok: true; path: string; fileName: string; contentType: string; size: number; manifestPath: string }
  | { ok: false; status: 403 | 404 | 410; detail: string };

export function reportsDir(dataDir: string): string {
  return join(dataDir, 'reports');
}

export class LocalReportService implements ReportService {
  readonly dir: string;
  readonly #options: LocalReportServiceOptions;
  readonly #jobs = new Map<string, StoredJob>();
  readonly #urlKey: Uint8Array;
  readonly #now: () => Date;
  /** Jobs run one after another: a chain of promises. */
  #queue: Promise<void> = Promise.resolve();

  constructor(options: LocalReportServiceOptions) {
    this.#options = options;
    this.dir = reportsDir(options.dataDir);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.#urlKey = loadOrCreateSecret(join(this.dir, 'url.key'));
    this.#now = options.now ?? (() => new Date());
  }

  async start(request: ReportRequest, requestedBy: Principal): Promise<ReportJob> {
    await checkReportRequest(request, this.#options.sources);
    const job: StoredJob = {
      id: randomUUID(),
      type: request.type,
      format: request.format,
      status: 'queued',
      progress: 0,
      createdAt: this.#now().toISOString(),
      request,
      requestedBy,
    };
    this.#save(job);
    this.#queue = this.#queue.then(() => this.#run(job));
    return publicJob(job);
  }

  async get(id: string): Promise<ReportJob | undefined> {
    const job = this.#load(id);
    return job ? publicJob(job) : undefined;
  }

  async downloadUrl(id: string, ttlSeconds: number): Promise<string | undefined> {
    const job = this.#load(id);
    if (job?.status !== 'done') return undefined;
    const expires = Math.floor(this.#now().getTime() / 1000) + Math.max(1, Math.floor(ttlSeconds));
    const token = this.#token(id, expires);
    return `${this.#options.baseUrl().replace(/\/$/, '')}/reports/${encodeURIComponent(id)}/download?expires=${expires}&token=${token}`;
  }

  /** Resolves when every job started so far has finished (tests, shutdown). */
  idle(): Promise<void> {
    return this.#queue;
  }

  /** Checks a download link: the token must be this id's and expiry's, and the expiry not passed. */
  checkDownload(id: string, query: URLSearchParams): DownloadCheck {
    const expires = Number(query.get('expires'));
    const token = query.get('token') ?? '';
    if (!REPORT_ID_PATTERN.test(id) || !Number.isSafeInteger(expires) || !/^[A-Za-z0-9_-]{43}$/.test(token))
      return { ok: false, status: 403, detail: 'the download link is malformed' };
    const expected = Buffer.from(this.#token(id, expires));
    if (!timingSafeEqual(expected, Buffer.from(token)))
      return { ok: false, status: 403, detail: 'the download link is not valid' };
    if (expires * 1000 < this.#now().getTime())
      return { ok: false, status: 410, detail: 'the download link has expired' };
    const job = this.#load(id);
    if (job?.status !== 'done' || !job.file)
      return { ok: false, status: 404, detail: `no finished report ${id}` };
    const path = join(this.dir, job.file);
    return {
      ok: true,
      path,
      fileName: `verdict-${job.type}-${id}.${job.format}`,
      contentType: CONTENT_TYPES[job.format],
      size: statSync(path).size,
      manifestPath: `${path}${MANIFEST_SUFFIX}`,
    };
  }

  /** The finished report's signed manifest, for `GET /reports/{id}` or a manifest route. */
  manifest(id: string): string | undefined {
    const job = this.#load(id);
    if (job?.status !== 'done' || !job.file) return undefined;
    return readFileSync(join(this.dir, `${job.file}${MANIFEST_SUFFIX}`), 'utf8');
  }

  async #run(job: StoredJob): Promise<void> {
    const file = `${job.id}.${job.format}`;
    const temp = join(this.dir, `.${file}.partial`);
    const citationsTemp = join(this.dir, `.${file}${CITATIONS_SUFFIX}.partial`);
    const citations = openSync(citationsTemp, 'w', 0o600);
    let lastSaved = 0;
    this.#update(job, { status: 'running', progress: 0 });
    try {
      const result = await generateReport({
        request: job.request,
        sources: this.#options.sources,
        signer: this.#options.signer,
        out: createWriteStream(temp, { mode: 0o600 }),
        now: this.#now(),
        citations: (line) => writeSync(citations, line),
        onProgress: (p) => {
          job.progress = jobProgress(p);
          const t = Date.now();
          if (t - lastSaved > 500) {
            lastSaved = t;
            this.#save(job);
          }
        },
      });
      fsyncSync(citations);
      if (result.manifest.citations) renameSync(citationsTemp, join(this.dir, `${file}${CITATIONS_SUFFIX}`));
      writeFileSync(join(this.dir, `${file}${MANIFEST_SUFFIX}`), result.manifestNote, { mode: 0o600 });
      renameSync(temp, join(this.dir, file));
      this.#update(job, {
        status: 'done',
        progress: 1,
        finishedAt: this.#now().toISOString(),
        sha256: result.manifest.reportSha256,
        sizeBytes: result.manifest.reportBytes,
        file,
      });
    } catch (error) {
      this.#update(job, {
        status: 'failed',
        finishedAt: this.#now().toISOString(),
        error: userMessage(error),
      });
    } finally {
      closeSync(citations);
      rmSync(citationsTemp, { force: true });
    }
  }

  #token(id: string, expires: number): string {
    return createHmac('sha256', this.#urlKey).update(`${id}\n${expires}`).digest('base64url');
  }

  #update(job: StoredJob, patch: Partial<StoredJob>): void {
    Object.assign(job, patch);
    this.#save(job);
  }

  #save(job: StoredJob): void {
    this.#jobs.set(job.id, job);
    const path = join(this.dir, `${job.id}.job.json`);
    writeFileSync(`${path}.tmp`, `${JSON.stringify(job, null, 2)}\n`, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  }

  #load(id: string): StoredJob | undefined {
    if (!REPORT_ID_PATTERN.test(id)) return undefined;
    const cached = this.#jobs.get(id);
    if (cached) return cached;
    const path = join(this.dir, `${id}.job.json`);
    if (!existsSync(path)) return undefined;
    return JSON.parse(readFileSync(path, 'utf8')) as StoredJob;
  }
}

function publicJob(job: StoredJob): ReportJob {
  const { request: _request, requestedBy: _by, file: _file, ...view } = job;
  return { ...view };
}

/** A message for the user: the error's message, never a stack. */
export function userMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The local stores a report reads, as the local runtime has them. */
export interface LocalReportStores {
  decisions: ReportSources['decisions'];
  exceptions: ReportSources['exceptions'];
  registry: NonNullable<ReportSources['registry']>;
  objects: NonNullable<ReportSources['objects']>;
}

/**
 * Report sources and the manifest signer for a data directory: the runtime's stores, plus the local
 * ledger (`<dataDir>/ledger/`) for entry positions, the checkpoint and its signing key.
 */
export async function openLocalReportContext(
  dataDir: string,
  stores: LocalReportStores,
): Promise<{
  sources: ReportSources;
  signer: Signer;
  verifierKeys: () => Promise<string[]>;
  close: () => Promise<void>;
}> {
  const handle = openLocalLedger({ dataDir });
  const local = await handle.open();
  // Checkpoints are signed on a cadence: sign the tail so the report's checkpoint covers every decision.
  await local.ledger.checkpoint();
  const origin = await local.store.origin(process.env.VERDICT_LEDGER_ORIGIN ?? DEFAULT_ORIGIN);
  const signer = loadOrCreateSignerKey(join(local.dir, 'signer.key'), origin);
  return {
    sources: { ...stores, ledger: handle.reader },
    signer,
    verifierKeys: () => local.store.verifierKeys(),
    close: () => handle.close(),
  };
}
