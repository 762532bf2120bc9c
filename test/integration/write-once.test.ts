/**
 * Write-once storage against the emulator: report objects are written with If-None-Match (a second write of
 * the same key fails and leaves one version), and the write-once audit finds an overwrite or a delete made
 * by anyone else, by key.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, inject, it } from 'vitest';
import { S3ReportArchive } from '../../functions/adapters/aws/s3-report-archive.ts';
import { auditWriteOnceBuckets } from '../../scripts/write-once-audit.ts';
import { s3ClientConfig, uniqueName } from '../support/aws-clients.ts';

const s3 = new S3Client(s3ClientConfig(inject('motoEndpoint')));

async function versionsOf(bucket: string, key: string): Promise<number> {
  const out = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
  return (out.Versions ?? []).filter((v) => v.Key === key).length;
}

describe('report objects are written once', () => {
  it('refuses to replace an archived report (412) and keeps the one version', async () => {
    const bucket = uniqueName('verdict-reports');
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    const path = join(mkdtempSync(join(tmpdir(), 'verdict-worm-')), 'r.csv');
    writeFileSync(path, 'a,b\r\n');
    const sha256 = createHash('sha256').update('a,b\r\n').digest('hex');
    const file = { path, bytes: 5, sha256, contentType: 'text/csv' };
    const archive = new S3ReportArchive(s3, { bucket, retentionDays: 1 });

    await archive.put('reports/2026-12/j.csv', file, 'manifest\n');
    await expect(archive.put('reports/2026-12/j.csv', file, 'other manifest\n')).rejects.toMatchObject({
      $metadata: { httpStatusCode: 412 },
    });
    expect(await versionsOf(bucket, 'reports/2026-12/j.csv')).toBe(1);
    expect(await versionsOf(bucket, 'reports/2026-12/j.csv.manifest')).toBe(1);
  });
});

describe('the lock mode of archived reports', () => {
  it('is COMPLIANCE unless the stack says GOVERNANCE (outside production), which a bypass can remove', async () => {
    const bucket = uniqueName('verdict-reports');
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    const path = join(mkdtempSync(join(tmpdir(), 'verdict-worm-')), 'r.csv');
    writeFileSync(path, 'a,b\r\n');
    const file = {
      path,
      bytes: 5,
      sha256: createHash('sha256').update('a,b\r\n').digest('hex'),
      contentType: 'text/csv',
    };
    await new S3ReportArchive(s3, { bucket, retentionDays: 1 }).put('strict.csv', file, 'manifest\n');
    await new S3ReportArchive(s3, { bucket, retentionDays: 1, mode: 'GOVERNANCE' }).put(
      'dev.csv',
      file,
      'm\n',
    );
    const strict = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'strict.csv' }));
    const dev = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dev.csv' }));
    expect([strict.ObjectLockMode, dev.ObjectLockMode]).toEqual(['COMPLIANCE', 'GOVERNANCE']);
    await s3.send(
      new DeleteObjectCommand({
        Bucket: bucket,
        Key: 'dev.csv',
        VersionId: dev.VersionId,
        BypassGovernanceRetention: true,
      }),
    );
    expect(await versionsOf(bucket, 'dev.csv')).toBe(0);
  });
});

describe('the write-once audit (ListObjectVersions)', () => {
  it('passes a bucket whose objects were each written once, and names overwritten and deleted keys', async () => {
    const clean = uniqueName('verdict-tiles');
    const tampered = uniqueName('verdict-anchor');
    for (const bucket of [clean, tampered]) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(
        new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
      );
      for (const key of ['tile/0/000', 'tile/0/001'])
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key, IfNoneMatch: '*' }));
    }
    await s3.send(new PutObjectCommand({ Bucket: tampered, Key: 'tile/0/000', Body: 'forged' }));
    await s3.send(new DeleteObjectCommand({ Bucket: tampered, Key: 'tile/0/001' }));

    const lines: string[] = [];
    expect(await auditWriteOnceBuckets(s3, [clean], (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual([`ok     s3://${clean}: 2 object(s), each written once`]);

    lines.length = 0;
    expect(await auditWriteOnceBuckets(s3, [clean, tampered], (line) => lines.push(line))).toBe(1);
    expect(lines[0]).toBe(`ok     s3://${clean}: 2 object(s), each written once`);
    expect(lines[1]).toBe(`FAILED s3://${tampered}: 2 of 2 object(s) changed after their first write`);
    expect(lines[2]).toMatch(
      new RegExp(`^  s3://${tampered}/tile/0/000 has 2 versions: a write-once object was overwritten`),
    );
    expect(lines[3]).toBe(
      `  s3://${tampered}/tile/0/001 was deleted: 1 delete marker(s) on a write-once object`,
    );
  });
});
