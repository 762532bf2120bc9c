/**
 * Finished reports in the data directory, write-once, as the S3 archive keeps them in AWS. Keys
 * (`reports/<yyyy-mm>/<id>.<format>`) end in the job id, so the directory is flat:
 *
 *   <dir>/<id>.<format>            the report
 *   <dir>/<id>.<format>.manifest   its signed manifest
 *   <dir>/<id>.<format>.citations  the ledger entries it cites
 *
 * (files 0600; a report that exists is never written again). A download link is
 * `<baseUrl>/reports/<id>/download?[part=manifest|citations&]expires=<unix seconds>&token=<HMAC>`, the
 * local stand-in for an S3 presigned URL: the HMAC-SHA-256 of the file's key (`<key>.manifest` for the
 * manifest) and expiry under a secret kept in `<dir>/url.key`, so it works until it expires and only for
 * that file of that report. The auditor API answers those links (`reports.download`) through `open`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  type ArchivedFile,
  type ArchivedReport,
  type DownloadLink,
  DownloadLinkError,
  type ReportArchive,
  type ReportPart,
} from '../../ports/report-archive.ts';
import { CITATIONS_SUFFIX } from '../../reports/citations.ts';
import { CONTENT_TYPES } from '../../reports/content-types.ts';
import { MANIFEST_SUFFIX } from '../../reports/manifest.ts';
import { jobIdOfKey } from '../../reports/report-job.ts';
import { PART_CONTENT_TYPES, PART_SUFFIXES } from '../../reports/report-parts.ts';
import { loadOrCreateSecret } from './ledger/key-file.ts';

export interface FilesystemReportArchiveOptions {
  /** `<dataDir>/reports`. */
  dir: string;
  /** Where the local server listens, e.g. `http://127.0.0.1:8787`; download links start with it. */
  baseUrl: () => string;
  now?: () => Date;
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** archiveKey's form: `reports/<yyyy-mm>/<id>.<format>`, the id a REPORT_ID_PATTERN id. */
const ARCHIVE_KEY = /^reports\/\d{4}-\d{2}\/[A-Za-z0-9._-]{1,128}\.[a-z]+$/;

export class FilesystemReportArchive implements ReportArchive {
  readonly keepsCitations = true;
  /** Scratch space for reports being built (`<root>/reports/.work`, 0700). */
  readonly workDir: string;
  readonly #dir: string;
  readonly #urlKey: Uint8Array;
  readonly #options: FilesystemReportArchiveOptions;
  readonly #now: () => Date;

  constructor(options: FilesystemReportArchiveOptions) {
    this.#options = options;
    this.#dir = resolve(options.dir);
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    this.workDir = join(this.#dir, '.work');
    mkdirSync(this.workDir, { recursive: true, mode: 0o700 });
    this.#urlKey = loadOrCreateSecret(join(this.#dir, 'url.key'));
    this.#now = options.now ?? (() => new Date());
  }

  async put(key: string, report: ArchivedFile, manifest?: string, citations?: string): Promise<void> {
    const path = this.#path(key);
    if (existsSync(path)) throw new Error(`${key} is already archived; reports are written once`);
    if (citations !== undefined) writeOnce(`${path}${CITATIONS_SUFFIX}`, (to) => copyFileSync(citations, to));
    if (manifest !== undefined)
      writeOnce(`${path}${MANIFEST_SUFFIX}`, (to) => writeFileSync(to, manifest, { mode: 0o600 }));
    // The report last: a report in the archive has its manifest next to it.
    writeOnce(path, (to) => copyFileSync(report.path, to));
  }

  async downloadUrl(
    key: string,
    ttlSeconds: number,
    _fileName: string,
    part: ReportPart = 'report',
  ): Promise<string | undefined> {
    const path = `${this.#path(key)}${PART_SUFFIXES[part]}`;
    if (part === 'citations' && !existsSync(path)) return undefined;
    const expires = Math.floor(this.#now().getTime() / 1000) + Math.max(1, Math.floor(ttlSeconds));
    const base = this.#options.baseUrl().replace(/\/$/, '');
    const id = encodeURIComponent(jobIdOfKey(key));
    const which = part === 'report' ? '' : `part=${part}&`;
    return `${base}/reports/${id}/download?${which}expires=${expires}&token=${this.#token(key, part, expires)}`;
  }

  async open(key: string, link: DownloadLink, part: ReportPart = 'report'): Promise<ArchivedReport> {
    if (!Number.isSafeInteger(link.expires) || !TOKEN_PATTERN.test(link.token))
      throw new DownloadLinkError('invalid', 'the download link is malformed');
    const expected = Buffer.from(this.#token(key, part, link.expires));
    if (!timingSafeEqual(expected, Buffer.from(link.token)))
      throw new DownloadLinkError('invalid', 'the download link is not valid');
    if (link.expires * 1000 < this.#now().getTime())
      throw new DownloadLinkError('expired', 'the download link has expired');
    const format = key.slice(key.lastIndexOf('.') + 1) as keyof typeof CONTENT_TYPES;
    return {
      bytes: readFileSync(`${this.#path(key)}${PART_SUFFIXES[part]}`),
      contentType:
        part === 'report' ? (CONTENT_TYPES[format] ?? 'application/octet-stream') : PART_CONTENT_TYPES[part],
    };
  }

  /** The file of a key. */
  #path(key: string): string {
    if (!ARCHIVE_KEY.test(key)) throw new Error(`not a report archive key: ${key}`);
    return join(this.#dir, basename(key));
  }

  /** Over the part's own key, so a link to the manifest opens nothing else (the report's key is as before). */
  #token(key: string, part: ReportPart, expires: number): string {
    const signed = `${key}${PART_SUFFIXES[part]}\n${expires}`;
    return createHmac('sha256', this.#urlKey).update(signed).digest('base64url');
  }
}

/** Writes a file under a temporary name, then moves it into place unless something is there already. */
function writeOnce(path: string, write: (to: string) => void): void {
  const partial = join(dirname(path), `.${path.slice(dirname(path).length + 1)}.partial`);
  try {
    write(partial);
    chmodSync(partial, 0o600);
    if (existsSync(path)) throw new Error(`${path} exists; reports are written once`);
    renameSync(partial, path);
  } finally {
    rmSync(partial, { force: true });
  }
}
