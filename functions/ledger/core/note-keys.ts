/**
 * C2SP signed-note keys for Ed25519 (algorithm byte 0x01):
 * - key id: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || 32-byte public key), a big-endian uint32;
 * - verifier key: `<name>+<hex key id>+<base64(0x01 || public key)>`;
 * - signer key (as golang.org/x/mod/sumdb/note writes it): `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>`.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import type { Signer } from '../ports/signer.ts';

const ALG_ED25519 = 0x01;
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export class NoteKeyError extends Error {
  override readonly name = 'NoteKeyError';
}

/** A signature checker for one key. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** The vkey text this verifier was made from. */
  readonly verifierKey: string;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** Key names are non-empty, without whitespace or `+` (C2SP signed-note). */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !/[\s+]/u.test(name) && !/\p{Cc}/u.test(name);
}

function noteKeyId(name: string, algorithmAndKey: Uint8Array): number {
  const digest = createHash('sha256')
    .update(name)
    .update(new Uint8Array([0x0a]))
    .update(algorithmAndKey)
    .digest();
  return digest.readUInt32BE(0);
}

export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

export function ed25519VerifierKey(name: string, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) throw new NoteKeyError(`invalid key name "${name}"`);
  if (publicKey.length !== 32) throw new NoteKeyError('an Ed25519 public key is 32 bytes');
  const key = Buffer.concat([Buffer.from([ALG_ED25519]), publicKey]);
  return `${name}+${keyIdHex(noteKeyId(name, key))}+${key.toString('base64')}`;
}

/** Parses and checks a vkey (name, id matching the key, known algorithm, key length). */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const [name, idHex, keyText] = splitFields(vkey, 3);
  if (name === undefined || idHex === undefined || keyText === undefined)
    throw new NoteKeyError('verifier key must be <name>+<hex key id>+<base64 key>');
  if (!isValidKeyName(name)) throw new NoteKeyError(`invalid key name "${name}"`);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new NoteKeyError('key id must be 8 lowercase hex digits');
  const key = Buffer.from(keyText, 'base64');
  if (key.toString('base64') !== keyText) throw new NoteKeyError('key is not standard base64');
  if (key[0] !== ALG_ED25519) throw new NoteKeyError(`unknown signature algorithm ${key[0]}`);
  if (key.length !== 33) throw new NoteKeyError('an Ed25519 key is 32 bytes');
  const keyId = noteKeyId(name, key);
  if (keyIdHex(keyId) !== idHex) throw new NoteKeyError('key id does not match the name and key');
  const publicKey = createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, key.subarray(1)]),
    format: 'der',
    type: 'spki',
  });
  return {
    name,
    keyId,
    verifierKey: vkey,
    verify: (message, signature) => signature.length === 64 && verify(null, message, publicKey, signature),
  };
}

/** An Ed25519 note signer from a 32-byte seed. */
export function ed25519Signer(name: string, seed: Uint8Array): Signer {
  if (!isValidKeyName(name)) throw new NoteKeyError(`invalid key name "${name}"`);
  if (seed.length !== 32) throw new NoteKeyError('an Ed25519 seed is 32 bytes');
  const privateKey: KeyObject = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const verifierKey = ed25519VerifierKey(name, spki.subarray(spki.length - 32));
  const keyId = parseVerifierKey(verifierKey).keyId;
  return {
    name,
    keyId,
    verifierKey,
    sign: async (message) => sign(null, message, privateKey),
  };
}

export function encodeSignerKey(name: string, seed: Uint8Array): string {
  const { keyId } = ed25519Signer(name, seed);
  const key = Buffer.concat([Buffer.from([ALG_ED25519]), seed]);
  return `PRIVATE+KEY+${name}+${keyIdHex(keyId)}+${key.toString('base64')}`;
}

/** Parses `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>` into a signer, checking the key id. */
export function parseSignerKey(skey: string): Signer {
  const [p, k, name, idHex, keyText] = splitFields(skey.trim(), 5);
  if (p !== 'PRIVATE' || k !== 'KEY' || !name || !idHex || !keyText)
    throw new NoteKeyError('signer key must be PRIVATE+KEY+<name>+<hex key id>+<base64 key>');
  const key = Buffer.from(keyText, 'base64');
  if (key.toString('base64') !== keyText || key.length !== 33 || key[0] !== ALG_ED25519)
    throw new NoteKeyError('signer key is not an Ed25519 key');
  const signer = ed25519Signer(name, key.subarray(1));
  if (keyIdHex(signer.keyId) !== idHex) throw new NoteKeyError('signer key id does not match its key');
  return signer;
}

/** Splits at the first `count - 1` plus signs: the last field (base64) may itself contain `+`. */
function splitFields(text: string, count: number): (string | undefined)[] {
  const fields: string[] = [];
  let rest = text;
  for (let i = 1; i < count; i++) {
    const at = rest.indexOf('+');
    if (at < 0) return [];
    fields.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  return [...fields, rest];
}
