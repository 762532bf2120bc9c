/**
 * Finished reports (and ledger exports) in the S3 reports bucket, write-once: every report, its signed manifest and every export is put with
 * Object Lock in COMPLIANCE mode (nobody, root included, can delete or overwrite that version before the
 * retention date; GOVERNANCE outside production where `verdict:objectLockMode` says so) and with its SHA-256 checksum, which S3 checks on receipt and keeps with the object.
 * S3 requires an integrity checksum on a PUT with Object Lock parameters: every put names its algorithm
 * (`ChecksumAlgorithm: 'SHA256'`) with the precomputed value, so the SDK sends that value and computes none.
 * The bucket must have Object Lock enabled (it can only be turned on when the bucket is created).
 */

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectLockMode } from '../../contracts/environment.ts';
import type { ArchivedFile, ReportArchive, ReportPart } from '../../ports/report-archive.ts';
import { MANIFEST_CONTENT_TYPE } from '../../reports/content-types.ts';
import { MANIFEST_SUFFIX } from '../../reports/manifest.ts';
import { PART_SUFFIXES } from '../../reports/report-parts.ts';
import { presignWithClient } from './s3-report-presigner.ts';

export interface S3ReportArchiveOptions {
  bucket: string;
  /** How long reports are kept under Object Lock, in days (the `verdict:reportRetentionDays` setting). */
  retentionDays: number;
  /** The lock mode of each report (`verdict:objectLockMode`); default COMPLIANCE. */
  mode?: ObjectLockMode;
  now?: () => Date;
  /** A custom S3 endpoint for presigned links (an emulator); AWS otherwise. */
  endpoint?: string;
}

export class S3ReportArchive implements ReportArchive {
  readonly #now: () => Date;

  constructor(
    private readonly client: S3Client,
    private readonly options: S3ReportArchiveOptions,
  ) {
    if (!Number.isInteger(options.retentionDays) || options.retentionDays < 1)
      throw new RangeError(
        `report retention must be a whole number of days >= 1, got ${options.retentionDays}`,
      );
    this.#now = options.now ?? (() => new Date());
  }

  /** The retention date S3 enforces for an object written now. */
  retainUntil(): Date {
    return new Date(this.#now().getTime() + this.options.retentionDays * 86_400_000);
  }

  async put(key: string, report: ArchivedFile, manifest?: string): Promise<void> {
    // Write-once: If-None-Match refuses to replace an existing report (S3 answers 412), and the bucket policy
    // refuses any PutObject without it.
    const lock = {
      ObjectLockMode: this.options.mode ?? 'COMPLIANCE',
      ObjectLockRetainUntilDate: this.retainUntil(),
      IfNoneMatch: '*',
    };
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: key,
        Body: createReadStream(report.path),
        ContentLength: report.bytes,
        ContentType: report.contentType,
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: Buffer.from(report.sha256, 'hex').toString('base64'),
        ...lock,
      }),
    );
    if (manifest === undefined) return;
    const body = Buffer.from(manifest, 'utf8');
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: `${key}${MANIFEST_SUFFIX}`,
        Body: body,
        ContentType: MANIFEST_CONTENT_TYPE,
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
        ...lock,
      }),
    );
  }

  /** The report or its manifest; this archive keeps no citations file (undefined). */
  async downloadUrl(
    key: string,
    ttlSeconds: number,
    fileName: string,
    part: ReportPart = 'report',
  ): Promise<string | undefined> {
    if (part === 'citations') return undefined;
    const suffix = PART_SUFFIXES[part];
    return presignWithClient(this.client, {
      bucket: this.options.bucket,
      key: `${key}${suffix}`,
      expiresInSeconds: Math.max(1, Math.floor(ttlSeconds)),
      now: this.#now(),
      query: {
        'response-content-disposition': `attachment; filename="${`${fileName}${suffix}`.replace(/["\\\r\n]/g, '_')}"`,
      },
      ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
    });
  }
}
