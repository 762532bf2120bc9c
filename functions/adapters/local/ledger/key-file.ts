/**
 * Key files of the local ledger, created on first use with mode 0600:
 * - the Ed25519 signer key, as a signed-note signer key line (`PRIVATE+KEY+<name>+<id>+<base64>`, the form
 *   golang.org/x/mod/sumdb/note reads), so other tools can use it;
 * - 32-byte secrets (the pseudonym key), base64.
 *
 * Creation is atomic across processes: the key is written and fsynced to a private temporary file which is
 * then hard-linked into place; the loser of a race reads the winner's key. A key file that others can read
 * is refused, like ssh does.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { encodeSignerKey, parseSignerKey } from '../../../ledger/core/note-keys.ts';
import type { Signer } from '../../../ledger/ports/signer.ts';
import { alreadyExists, assertPrivate, KeyFileError, writePrivateFileOnce } from '../private-file.ts';

/** Loads the signer key at `file`, creating it for `name` if it does not exist. */
export function loadOrCreateSignerKey(file: string, name: string): Signer {
  const text = readOrCreate(file, () => `${encodeSignerKey(name, randomBytes(32))}\n`);
  const signer = parseSignerKey(text);
  if (signer.name !== name)
    throw new KeyFileError(`${file} is a key for "${signer.name}", not for the log origin "${name}"`);
  return signer;
}

/** Loads an existing signer key file (a witness key, say). */
export function loadSignerKey(file: string): Signer {
  assertPrivate(file);
  return parseSignerKey(fs.readFileSync(file, 'utf8'));
}

/** Writes a new signer key file for `name`; fails if the file exists. Returns the signer. */
export function createSignerKey(file: string, name: string): Signer {
  const text = `${encodeSignerKey(name, randomBytes(32))}\n`;
  writePrivateFileOnce(file, text);
  return parseSignerKey(text);
}

/** Loads (or creates) a 32-byte secret. */
export function loadOrCreateSecret(file: string): Uint8Array {
  const text = readOrCreate(file, () => `${randomBytes(32).toString('base64')}\n`);
  const secret = Buffer.from(text.trim(), 'base64');
  if (secret.length !== 32) throw new KeyFileError(`${file} does not hold a 32-byte base64 secret`);
  return secret;
}

function readOrCreate(file: string, create: () => string): string {
  if (!fs.existsSync(file)) {
    try {
      writePrivateFileOnce(file, create());
    } catch (error) {
      if (!alreadyExists(error)) throw error;
    }
  }
  assertPrivate(file);
  return fs.readFileSync(file, 'utf8');
}
