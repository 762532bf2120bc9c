/** SubjectKeyHasher with node:crypto's HMAC-SHA256 under a local key (subject-key-file.ts). */
import { createHmac } from 'node:crypto';
import type { SubjectKeyHasher } from '../../ports/subject-key-hasher.ts';

export class HmacSubjectKeyHasher implements SubjectKeyHasher {
  constructor(
    private readonly key: Buffer,
    readonly keyId: string,
  ) {}

  async macs(values: readonly string[]): Promise<Uint8Array[]> {
    return values.map((value) => createHmac('sha256', this.key).update(value, 'utf8').digest());
  }
}
