/**
 * The AWS emulator has no Ed25519 KMS keys (CreateKey rejects ECC_NIST_EDWARDS25519), so tests that sign
 * with KMS answer GetPublicKey and Sign at the SDK level (aws-sdk-client-mock) with a known key: the seed of
 * RFC 8032 section 7.1, TEST 1, signed by node:crypto.
 */
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import {
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  KMSClient,
  SignCommand,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';

export const RFC8032_TEST1_SEED = Buffer.from(
  '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  'hex',
);
export const KMS_KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

export const kmsPrivateKey = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), RFC8032_TEST1_SEED]),
  format: 'der',
  type: 'pkcs8',
});
export const kmsPublicKeySpki = createPublicKey(kmsPrivateKey).export({ format: 'der', type: 'spki' });

/** Mocks every KMSClient: GetPublicKey and Sign behave like an Ed25519 key in KMS. */
export function mockKmsEd25519Key(overrides: Partial<GetPublicKeyCommandOutput> = {}) {
  const kms = mockClient(KMSClient);
  kms.on(GetPublicKeyCommand).resolves({
    KeyId: KMS_KEY_ARN,
    KeySpec: 'ECC_NIST_EDWARDS25519',
    KeyUsage: 'SIGN_VERIFY',
    SigningAlgorithms: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'],
    PublicKey: new Uint8Array(kmsPublicKeySpki),
    ...overrides,
  });
  kms.on(SignCommand).callsFake((input: { Message: Uint8Array }) => ({
    KeyId: KMS_KEY_ARN,
    SigningAlgorithm: 'ED25519_SHA_512',
    Signature: new Uint8Array(sign(null, input.Message, kmsPrivateKey)),
  }));
  return kms;
}
