/**
 * `npx tsx scripts/audit-write-once.ts <bucket>...`: the write-once audit (scripts/write-once-audit.ts) of the
 * named buckets, with the default AWS credentials and region. Give it the buckets the stack outputs as
 * ReportsBucketName, LedgerTilesBucketName and LedgerAnchorBucketName. Exits 1 if any object was
 * overwritten or deleted, 2 on a usage error.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { auditWriteOnceBuckets, WRITE_ONCE_BUCKET_OUTPUTS } from './write-once-audit.ts';

const buckets = process.argv.slice(2);
if (buckets.length === 0 || buckets.some((b) => b.startsWith('-'))) {
  console.error(
    `usage: npx tsx scripts/audit-write-once.ts <bucket>... (the stack outputs ${WRITE_ONCE_BUCKET_OUTPUTS.join(', ')})`,
  );
  process.exit(2);
}
process.exitCode = await auditWriteOnceBuckets(new S3Client({}), buckets, (line) => console.log(line));
