/**
 * A finished report and its signed manifest, copied from the reports bucket (S3ReportArchive's layout:
 * `<key>` and `<key>.manifest`) to local files, with the caller's own credentials. Each file is written to
 * `<file>.partial` and renamed when complete, so a failed copy leaves no file that looks finished.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MANIFEST_SUFFIX } from '../../reports/manifest.ts';

export interface DownloadedReport {
  report: string;
  manifest: string;
}

export async function downloadArchivedReport(
  s3: S3Client,
  bucket: string,
  key: string,
  out: string,
): Promise<DownloadedReport> {
  const manifest = `${out}${MANIFEST_SUFFIX}`;
  await copy(s3, bucket, key, out);
  await copy(s3, bucket, `${key}${MANIFEST_SUFFIX}`, manifest);
  return { report: out, manifest };
}

async function copy(s3: S3Client, bucket: string, key: string, file: string): Promise<void> {
  const partial = `${file}.partial`;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!object.Body) throw new Error(`s3://${bucket}/${key} has no body`);
    await pipeline(object.Body as Readable, createWriteStream(partial));
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}
