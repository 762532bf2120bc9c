/**
 * The write-once audit of a deployed stack: every object in the reports bucket and the ledger's tiles and
 * anchor buckets is written exactly once (If-None-Match, enforced by the bucket policies), and the buckets
 * are versioned, so an overwrite or a delete by anyone leaves a second version or a delete marker behind.
 * This lists every version of every object (ListObjectVersions) and names each key that has more than one
 * version or a delete marker. scripts/audit-write-once.ts runs it against AWS.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { auditWriteOnceBucket } from '../functions/adapters/aws/ledger/bucket-audit.ts';

/** The stack outputs that name the write-once buckets (`aws cloudformation describe-stacks`). */
export const WRITE_ONCE_BUCKET_OUTPUTS = [
  'ReportsBucketName',
  'LedgerTilesBucketName',
  'LedgerAnchorBucketName',
] as const;

/** Audits each bucket in turn; prints one line per bucket and per problem. Returns the exit code: 0 clean, 1 not. */
export async function auditWriteOnceBuckets(
  s3: S3Client,
  buckets: readonly string[],
  print: (line: string) => void,
): Promise<number> {
  let problems = 0;
  for (const bucket of buckets) {
    const audit = await auditWriteOnceBucket(s3, bucket);
    print(
      audit.problems.length === 0
        ? `ok     s3://${bucket}: ${audit.keys} object(s), each written once`
        : `FAILED s3://${bucket}: ${audit.problems.length} of ${audit.keys} object(s) changed after their first write`,
    );
    for (const problem of audit.problems) print(`  ${problem.message}`);
    problems += audit.problems.length;
  }
  return problems === 0 ? 0 : 1;
}
