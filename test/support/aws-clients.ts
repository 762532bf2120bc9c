/**
 * SDK client settings for the AWS emulator (see moto-global-setup.ts).
 *
 * One emulator serves every integration test file, and files run in parallel: give each resource a
 * `uniqueName` instead of resetting the emulator between tests.
 */
import { randomUUID } from 'node:crypto';

export interface EmulatorClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export const EMULATOR_REGION = 'us-east-1';
/** moto's default account id. */
export const EMULATOR_ACCOUNT = '123456789012';

export function awsClientConfig(endpoint: string): EmulatorClientConfig {
  return {
    endpoint,
    region: EMULATOR_REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}

/** S3 needs path-style addressing: the emulator has no per-bucket host names. */
export function s3ClientConfig(endpoint: string): EmulatorClientConfig & { forcePathStyle: true } {
  return { ...awsClientConfig(endpoint), forcePathStyle: true };
}

/** A resource name no other test uses: `<prefix>-<8 hex digits>` (valid for buckets, tables, buses, queues). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/**
 * Drops every resource in the emulator (all services, all regions), including those of test files
 * running at the same time: only for a run that owns the emulator (e.g. a sequential suite).
 */
export async function resetEmulator(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`emulator reset failed: HTTP ${response.status}`);
}
