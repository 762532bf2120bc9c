/**
 * The KMS subject key hasher against the emulator's HMAC_256 keys through the real SDK client. A KMS key
 * cannot be exported, so the MACs are checked by their properties: 32 bytes, deterministic, in input order,
 * different under different keys, and equal to what VerifyMac accepts. Refusals are answered at the SDK level
 * (aws-sdk-client-mock), the emulator enforcing no key policy.
 */
import {
  CreateKeyCommand,
  DisableKeyCommand,
  GenerateMacCommand,
  KMSClient,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, inject, it } from 'vitest';
import {
  KMS_SUBJECT_MAC_ALGORITHM,
  KmsSubjectKeyHasher,
} from '../../../functions/adapters/aws/kms-subject-key-hasher.ts';
import { SubjectKeyHashingError } from '../../../functions/ports/subject-key-hasher.ts';
import { awsClientConfig } from '../../support/aws-clients.ts';

const kms = new KMSClient(awsClientConfig(inject('motoEndpoint')));

async function createKey(keySpec: 'HMAC_256' | 'HMAC_512' = 'HMAC_256'): Promise<string> {
  const out = await kms.send(new CreateKeyCommand({ KeySpec: keySpec, KeyUsage: 'GENERATE_VERIFY_MAC' }));
  return out.KeyMetadata?.KeyId as string;
}

describe('KmsSubjectKeyHasher against the emulator', () => {
  it('names the key by its ARN and hashes deterministically, 32 bytes each, in input order', async () => {
    const keyId = await createKey();
    const hasher = await KmsSubjectKeyHasher.create({ kms, keyId, concurrency: 4 });
    expect(hasher.keyId).toMatch(new RegExp(`^arn:aws:kms:us-east-1:123456789012:key/${keyId}$`));
    const values = Array.from({ length: 40 }, (_, i) => `app-${i}`);
    const first = await hasher.macs(values);
    const again = await hasher.macs([...values].reverse());
    expect(first.every((mac) => mac.length === 32)).toBe(true);
    expect(new Set(first.map((mac) => Buffer.from(mac).toString('hex'))).size).toBe(40);
    expect(again.reverse().map((mac) => Buffer.from(mac))).toEqual(first.map((mac) => Buffer.from(mac)));
    const single = await hasher.macs(['app-7']);
    expect(Buffer.from(single[0] as Uint8Array)).toEqual(Buffer.from(first[7] as Uint8Array));
    expect(await hasher.macs([])).toEqual([]);
  });

  it('is the HMAC_SHA_256 that KMS verifies, and another key gives other MACs', async () => {
    const keyId = await createKey();
    const hasher = await KmsSubjectKeyHasher.create({ kms, keyId });
    const [mac] = await hasher.macs(['ünïcode@example.org']);
    const verified = await kms.send(
      new VerifyMacCommand({
        KeyId: keyId,
        MacAlgorithm: KMS_SUBJECT_MAC_ALGORITHM,
        Message: Buffer.from('ünïcode@example.org', 'utf8'),
        Mac: mac,
      }),
    );
    expect(verified.MacValid).toBe(true);
    const other = await KmsSubjectKeyHasher.create({ kms, keyId: await createKey() });
    const [otherMac] = await other.macs(['ünïcode@example.org']);
    expect(Buffer.from(otherMac as Uint8Array)).not.toEqual(Buffer.from(mac as Uint8Array));
  });

  it('refuses a key that is not an HMAC_256 MAC key, naming it', async () => {
    const wide = await createKey('HMAC_512');
    await expect(KmsSubjectKeyHasher.create({ kms, keyId: wide })).rejects.toThrow(
      new RegExp(
        `key arn:aws:kms:\\S+:key/${wide} could not hash a subject key: key spec HMAC_512, not HMAC_256`,
      ),
    );
    const encrypt = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
    await expect(KmsSubjectKeyHasher.create({ kms, keyId: encrypt })).rejects.toBeInstanceOf(
      SubjectKeyHashingError,
    );
    const disabled = await createKey();
    await kms.send(new DisableKeyCommand({ KeyId: disabled }));
    await expect(KmsSubjectKeyHasher.create({ kms, keyId: disabled })).rejects.toThrow(
      /could not hash a subject key: the key is disabled$/,
    );
    await expect(KmsSubjectKeyHasher.create({ kms, keyId: 'alias/verdict-missing' })).rejects.toThrow(
      'key alias/verdict-missing could not hash a subject key: NotFoundException',
    );
  });

  it('refuses a value KMS cannot take, without quoting it', async () => {
    const hasher = await KmsSubjectKeyHasher.create({ kms, keyId: await createKey() });
    const error = await hasher.macs(['ok', 'x'.repeat(4097)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubjectKeyHashingError);
    expect((error as Error).message).toBe(
      `key ${hasher.keyId} could not hash a subject key: a value of 4097 bytes (KMS takes 1 to 4096)`,
    );
  });
});

describe('KmsSubjectKeyHasher when KMS refuses (SDK-level answers)', () => {
  it('surfaces AccessDenied as a domain error naming the key, not the value, and stops hashing', async () => {
    const hasher = await KmsSubjectKeyHasher.create({ kms, keyId: await createKey(), concurrency: 2 });
    const mocked = mockClient(kms);
    try {
      mocked.on(GenerateMacCommand).rejects(
        Object.assign(new Error('User is not authorized: secret-applicant-42'), {
          name: 'AccessDeniedException',
        }),
      );
      const error = await hasher.macs(['secret-applicant-42', 'b', 'c', 'd', 'e']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SubjectKeyHashingError);
      expect(error).toMatchObject({ keyId: hasher.keyId });
      expect((error as Error).message).toBe(
        `key ${hasher.keyId} could not hash a subject key: AccessDeniedException`,
      );
      expect(mocked.commandCalls(GenerateMacCommand).length).toBeLessThanOrEqual(2);
    } finally {
      mocked.restore();
    }
  });
});
