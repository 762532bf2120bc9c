/**
 * SubjectKeyHasher with a KMS HMAC key (KeySpec HMAC_256, KeyUsage GENERATE_VERIFY_MAC): GenerateMac with
 * HMAC_SHA_256, so the key never leaves KMS. KMS has no batch MAC API, so a batch is one call per value with
 * a bounded number in flight, the results in input order. A failure names the key and the error, never the
 * value (the SDK's message is dropped: it is not ours to vouch for).
 */
import { DescribeKeyCommand, GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { type SubjectKeyHasher, SubjectKeyHashingError } from '../../ports/subject-key-hasher.ts';

export const KMS_SUBJECT_KEY_SPEC = 'HMAC_256';
export const KMS_SUBJECT_MAC_ALGORITHM = 'HMAC_SHA_256';
/** GenerateMac takes messages of 1 to 4096 bytes. */
const MAX_MESSAGE_BYTES = 4096;
const MAC_BYTES = 32;
const DEFAULT_CONCURRENCY = 16;

export interface KmsSubjectKeyHasherOptions {
  kms: KMSClient;
  /** Key id, key ARN, alias name or alias ARN of an HMAC_256 GENERATE_VERIFY_MAC key. */
  keyId: string;
  /** GenerateMac calls in flight at once (default 16). */
  concurrency?: number;
}

export class KmsSubjectKeyHasher implements SubjectKeyHasher {
  private constructor(
    private readonly kms: KMSClient,
    /** The key ARN, whatever name the key was given by. */
    readonly keyId: string,
    private readonly concurrency: number,
  ) {}

  /** Resolves the key to its ARN (one DescribeKey call) and checks it is an enabled HMAC_256 MAC key. */
  static async create(options: KmsSubjectKeyHasherOptions): Promise<KmsSubjectKeyHasher> {
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be ≥ 1');
    const out = await options.kms
      .send(new DescribeKeyCommand({ KeyId: options.keyId }))
      .catch((error: unknown) => {
        throw new SubjectKeyHashingError(options.keyId, errorName(error));
      });
    const key = out.KeyMetadata;
    const fail = (reason: string) => new SubjectKeyHashingError(key?.Arn ?? options.keyId, reason);
    if (!key?.Arn) throw fail('KMS described no key');
    if (key.KeySpec !== KMS_SUBJECT_KEY_SPEC)
      throw fail(`key spec ${key.KeySpec}, not ${KMS_SUBJECT_KEY_SPEC}`);
    if (key.KeyUsage !== 'GENERATE_VERIFY_MAC')
      throw fail(`key usage ${key.KeyUsage}, not GENERATE_VERIFY_MAC`);
    if (key.Enabled === false) throw fail('the key is disabled');
    return new KmsSubjectKeyHasher(options.kms, key.Arn, concurrency);
  }

  async macs(values: readonly string[]): Promise<Uint8Array[]> {
    const messages = values.map((value) => {
      const bytes = Buffer.from(value, 'utf8');
      if (bytes.length < 1 || bytes.length > MAX_MESSAGE_BYTES)
        throw new SubjectKeyHashingError(
          this.keyId,
          `a value of ${bytes.length} bytes (KMS takes 1 to 4096)`,
        );
      return bytes;
    });
    const results = new Array<Uint8Array>(messages.length);
    let next = 0;
    const worker = async () => {
      while (next < messages.length) {
        const i = next++;
        try {
          results[i] = await this.#mac(messages[i] as Buffer);
        } catch (error) {
          next = messages.length; // the other workers stop taking values
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, messages.length) }, worker));
    return results;
  }

  async #mac(message: Buffer): Promise<Uint8Array> {
    const out = await this.kms
      .send(
        new GenerateMacCommand({
          KeyId: this.keyId,
          MacAlgorithm: KMS_SUBJECT_MAC_ALGORITHM,
          Message: message,
        }),
      )
      .catch((error: unknown) => {
        throw new SubjectKeyHashingError(this.keyId, errorName(error));
      });
    if (out.Mac?.length !== MAC_BYTES)
      throw new SubjectKeyHashingError(
        this.keyId,
        `KMS answered a MAC of ${out.Mac?.length ?? 0} bytes, not 32`,
      );
    return out.Mac;
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown error';
}
