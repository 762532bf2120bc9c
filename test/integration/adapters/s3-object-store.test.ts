import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { S3ObjectStore } from '../../../functions/adapters/aws/s3-object-store.ts';
import { s3ClientConfig, uniqueName } from '../../support/aws-clients.ts';
import { describeRangedReads } from '../../support/object-store-ranges.ts';

const client = new S3Client(s3ClientConfig(inject('motoEndpoint')));
const store = new S3ObjectStore(client);
const bucket = uniqueName('verdict-governance');

beforeAll(async () => {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
});

describe('S3ObjectStore against the emulator', () => {
  it('puts text with its content type and gets the same bytes back', async () => {
    const uri = `s3://${bucket}/profiles/credit scoring/profile.json`;
    const text = JSON.stringify({ name: 'crédit', riskClass: 'high' });

    await store.put(uri, text, 'application/json');

    expect(new TextDecoder().decode(await store.get(uri))).toBe(text);
    const head = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'profiles/credit scoring/profile.json' }),
    );
    expect(head.ContentType).toBe('application/json');
  });

  it('round-trips binary content', async () => {
    const uri = `s3://${bucket}/evidence/blob.bin`;
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);

    await store.put(uri, bytes);

    await expect(store.get(uri)).resolves.toEqual(bytes);
  });

  it('returns undefined for a missing key', async () => {
    await expect(store.get(`s3://${bucket}/no/such/key.json`)).resolves.toBeUndefined();
  });

  it('throws for a missing bucket and for a URI that is not s3://bucket/key', async () => {
    await expect(store.get(`s3://${uniqueName('no-such-bucket')}/key`)).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
    await expect(store.get(`s3://${bucket}/`)).rejects.toThrow('not an s3://bucket/key URI');
  });
});

describeRangedReads('S3ObjectStore against the emulator', () => ({
  store,
  uri: (name) => `s3://${bucket}/${name}`,
}));

describe('S3ObjectStore ranged reads of a missing bucket', () => {
  it('throws NoSuchBucket, as get does', async () => {
    const uri = `s3://${uniqueName('no-such-bucket')}/key`;
    await expect(store.getRange(uri, 0, 10)).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await expect(store.stream(uri)).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});
