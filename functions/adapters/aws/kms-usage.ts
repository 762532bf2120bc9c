/**
 * How Verdict uses KMS, where the adapters and the CDK stack's key policies and grants must agree. Free of
 * the SDK, so the stack reads it without loading the KMS client.
 */

/** The checkpoint and report manifest signing keys: Ed25519, over RAW messages. */
export const KMS_SIGNING_KEY_SPEC = 'ECC_NIST_EDWARDS25519';
export const KMS_SIGNING_ALGORITHM = 'ED25519_SHA_512';

/** The encryption context key under which a subject's data key is wrapped (its value names the subject). */
export const SUBJECT_ENCRYPTION_CONTEXT_KEY = 'verdict:subject';
