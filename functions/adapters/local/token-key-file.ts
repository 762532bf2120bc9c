/**
 * The Ed25519 key pair that signs the local server's bearer tokens: `<dataDir>/api/token-signing.key`
 * (PKCS #8 PEM, mode 0600, in a 0700 directory), created on first use. Whoever can read it can mint any
 * role's token, so a key file readable by group or others is refused.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { join } from 'node:path';
import { alreadyExists, assertPrivate, writePrivateFileOnce } from './private-file.ts';

export function tokenSigningKeyPath(dataDir: string): string {
  return join(dataDir, 'api', 'token-signing.key');
}

export interface TokenSigningKey {
  path: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  created: boolean;
}

export function loadOrCreateTokenSigningKey(dataDir: string): TokenSigningKey {
  const path = tokenSigningKeyPath(dataDir);
  let created = false;
  if (!fs.existsSync(path)) created = createKeyFile(path);
  assertPrivate(path);
  const privateKey = createPrivateKey(fs.readFileSync(path, 'utf8'));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${path} does not hold an Ed25519 key`);
  return { path, privateKey, publicKey: createPublicKey(privateKey), created };
}

/** Creates the key file unless another process did first; true when this call created it. */
function createKeyFile(path: string): boolean {
  const { privateKey } = generateKeyPairSync('ed25519');
  try {
    writePrivateFileOnce(path, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    return true;
  } catch (error) {
    if (alreadyExists(error)) return false;
    throw error;
  }
}
