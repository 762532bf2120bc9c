/**
 * The Ed25519 key pair that signs the local server's bearer tokens: `<dataDir>/api/token-signing.key`
 * (PKCS #8 PEM, mode 0600, in a 0700 directory), created on first use. Whoever can read it can mint any
 * role's token, so a key file readable by group or others is refused.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { dirname, join } from 'node:path';

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
  const stat = fs.statSync(path);
  if ((stat.mode & 0o077) !== 0) {
    throw new Error(`${path} is readable by others (mode ${(stat.mode & 0o777).toString(8)}): chmod 600 it`);
  }
  const privateKey = createPrivateKey(fs.readFileSync(path, 'utf8'));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${path} does not hold an Ed25519 key`);
  return { path, privateKey, publicKey: createPublicKey(privateKey), created };
}

/** Writes a new key to a temporary file and links it into place, so a concurrent reader never sees half a key. */
function createKeyFile(path: string): boolean {
  fs.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fd = fs.openSync(
    temporary,
    fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL,
    0o600,
  );
  try {
    fs.writeFileSync(fd, pem);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false; // another process won the race
    throw error;
  } finally {
    fs.unlinkSync(temporary);
  }
}
