/**
 * A checkpoint signer whose Ed25519 private key never leaves AWS KMS.
 *
 * - Key: KeySpec ECC_NIST_EDWARDS25519, KeyUsage SIGN_VERIFY.
 * - Signing: SigningAlgorithm ED25519_SHA_512 with MessageType RAW, which is pure Ed25519 (RFC 8032
 *   section 5.1, "PureEdDSA"; KMS's ED25519_PH_SHA_512 with MessageType DIGEST is the pre-hashed Ed25519ph and
 *   is NOT what signed notes use). The result is the standard 64-byte signature R || S over the checkpoint body,
 *   so the signed-note verifier (ledger/core) and any Ed25519 implementation accept it unchanged.
 * - Verifier key: GetPublicKey returns the DER SubjectPublicKeyInfo (RFC 8410: 302a300506032b6570032100 and 32
 *   bytes); its last 32 bytes are the public key, and the vkey is `<name>+<hex key id>+<base64(0x01 || key)>`
 *   (note-keys.ts). `vkeyFromKmsPublicKey` derives it, so an auditor can compute it from
 *   `aws kms get-public-key` output without trusting Verdict.
 *
 * Every signature is checked against the public key before it is returned: a key of another type, a
 * pre-hash algorithm or a corrupted answer fails here, not in an auditor's verifier.
 */
import { createPublicKey, verify } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { ed25519VerifierKey, parseVerifierKey } from '../../ledger/core/note-keys.ts';
import type { Signer } from '../../ledger/ports/signer.ts';
import { KMS_SIGNING_ALGORITHM, KMS_SIGNING_KEY_SPEC } from './kms-usage.ts';

/** KMS signs RAW messages of at most 4096 bytes; a checkpoint body is about 100. */
export const KMS_MAX_RAW_MESSAGE_BYTES = 4096;
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export class KmsSignerError extends Error {
  override readonly name = 'KmsSignerError';
}

/** The raw 32-byte Ed25519 public key inside a DER SubjectPublicKeyInfo; throws for any other key type. */
export function ed25519PublicKeyFromSpki(spki: Uint8Array): Uint8Array {
  const der = Buffer.from(spki);
  if (der.length !== ED25519_SPKI_PREFIX.length + 32 || !der.subarray(0, 12).equals(ED25519_SPKI_PREFIX))
    throw new KmsSignerError('the public key is not an Ed25519 SubjectPublicKeyInfo (RFC 8410)');
  return der.subarray(12);
}

/** The signed-note verifier key of a KMS Ed25519 key, from GetPublicKey's DER public key. */
export function vkeyFromKmsPublicKey(name: string, spki: Uint8Array): string {
  return ed25519VerifierKey(name, ed25519PublicKeyFromSpki(spki));
}

export interface KmsSignerOptions {
  kms: KMSClient;
  /** Key id, key ARN, alias name or alias ARN of an ECC_NIST_EDWARDS25519 SIGN_VERIFY key. */
  keyId: string;
  /** The key name in signature lines: the log's origin. */
  name: string;
}

export class KmsSigner implements Signer {
  readonly name: string;
  readonly keyId: number;
  readonly verifierKey: string;
  /** The KMS key ARN GetPublicKey reported. */
  readonly kmsKeyArn: string;
  readonly #kms: KMSClient;
  readonly #publicKey: ReturnType<typeof createPublicKey>;

  private constructor(kms: KMSClient, name: string, kmsKeyArn: string, spki: Uint8Array) {
    this.#kms = kms;
    this.name = name;
    this.kmsKeyArn = kmsKeyArn;
    this.verifierKey = vkeyFromKmsPublicKey(name, spki);
    this.keyId = parseVerifierKey(this.verifierKey).keyId;
    this.#publicKey = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  }

  /** Reads the key's public half (one GetPublicKey call) and checks it can sign pure Ed25519. */
  static async create(options: KmsSignerOptions): Promise<KmsSigner> {
    const out = await options.kms.send(new GetPublicKeyCommand({ KeyId: options.keyId }));
    const keySpec = out.KeySpec ?? out.CustomerMasterKeySpec;
    if (keySpec !== KMS_SIGNING_KEY_SPEC)
      throw new KmsSignerError(
        `KMS key ${options.keyId} has key spec ${keySpec}: checkpoints need an ${KMS_SIGNING_KEY_SPEC} key`,
      );
    if (out.KeyUsage !== 'SIGN_VERIFY')
      throw new KmsSignerError(`KMS key ${options.keyId} has key usage ${out.KeyUsage}, not SIGN_VERIFY`);
    if (out.SigningAlgorithms && !out.SigningAlgorithms.includes(KMS_SIGNING_ALGORITHM))
      throw new KmsSignerError(`KMS key ${options.keyId} does not offer ${KMS_SIGNING_ALGORITHM}`);
    if (!out.PublicKey) throw new KmsSignerError(`KMS returned no public key for ${options.keyId}`);
    return new KmsSigner(options.kms, options.name, out.KeyId ?? options.keyId, out.PublicKey);
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    if (message.length > KMS_MAX_RAW_MESSAGE_BYTES)
      throw new KmsSignerError(`KMS signs at most ${KMS_MAX_RAW_MESSAGE_BYTES} bytes, got ${message.length}`);
    const out = await this.#kms.send(
      new SignCommand({
        KeyId: this.kmsKeyArn,
        Message: message,
        MessageType: 'RAW',
        SigningAlgorithm: KMS_SIGNING_ALGORITHM,
      }),
    );
    const signature = out.Signature ?? new Uint8Array();
    if (signature.length !== 64 || !verify(null, message, this.#publicKey, signature))
      throw new KmsSignerError(
        `KMS key ${this.kmsKeyArn} returned a signature that is not a valid Ed25519 signature of the message`,
      );
    return signature;
  }
}
