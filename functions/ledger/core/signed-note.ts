/**
 * C2SP signed-note: a text ending in a newline, a blank line, then one or more signature lines
 * `— <key name> <base64(4-byte key id || signature)>`. A note may carry several signatures (the log's and
 * witnesses' cosignatures); each verifier picks out the lines for its own key name and id.
 */
import type { Signer } from '../ports/signer.ts';
import { isValidKeyName, keyIdHex, type NoteVerifier } from './note-keys.ts';

const SIGNATURE_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;

export interface NoteSignature {
  name: string;
  keyId: number;
  signature: Uint8Array;
  /** The whole line, without its newline. */
  line: string;
}

export interface Note {
  text: string;
  signatures: NoteSignature[];
}

export class NoteFormatError extends Error {
  override readonly name = 'NoteFormatError';
}

export function parseNote(message: string): Note {
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw new NoteFormatError('no blank line between the note text and its signatures');
  const text = message.slice(0, split + 1);
  checkText(text);
  const block = message.slice(split + 2);
  if (block === '' || !block.endsWith('\n'))
    throw new NoteFormatError('signature lines must end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteFormatError(`more than ${MAX_SIGNATURES} signatures`);
  return { text, signatures: lines.map(parseSignatureLine) };
}

export function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw new NoteFormatError(`not a signature line: "${line}"`);
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = rest.slice(0, space);
  const encoded = rest.slice(space + 1);
  if (space < 0 || !isValidKeyName(name))
    throw new NoteFormatError(`bad key name in signature line "${line}"`);
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length < 5 || bytes.toString('base64') !== encoded)
    throw new NoteFormatError(`signature for key ${name} is not base64 of a key id and a signature`);
  return { name, keyId: bytes.readUInt32BE(0), signature: bytes.subarray(4), line };
}

function checkText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteFormatError('note text must end with a newline');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the format forbids control characters
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(text))
    throw new NoteFormatError('note text has control characters');
}

export function formatNote(note: Note): string {
  checkText(note.text);
  if (note.signatures.length === 0) throw new NoteFormatError('a signed note needs a signature');
  return `${note.text}\n${note.signatures.map((s) => `${s.line}\n`).join('')}`;
}

async function signatureLine(text: string, signer: Signer): Promise<NoteSignature> {
  const signature = await signer.sign(Buffer.from(text, 'utf8'));
  const id = Buffer.alloc(4);
  id.writeUInt32BE(signer.keyId >>> 0);
  const line = `${SIGNATURE_PREFIX}${signer.name} ${Buffer.concat([id, signature]).toString('base64')}`;
  return { name: signer.name, keyId: signer.keyId, signature, line };
}

/** Signs `text` with every signer, in order. */
export async function signNote(text: string, signers: readonly Signer[]): Promise<string> {
  checkText(text);
  const signatures: NoteSignature[] = [];
  for (const signer of signers) signatures.push(await signatureLine(text, signer));
  return formatNote({ text, signatures });
}

/** Adds `signer`'s signature to a signed note, replacing an earlier one by the same key. */
export async function cosignNote(message: string, signer: Signer): Promise<string> {
  const note = parseNote(message);
  const others = note.signatures.filter((s) => s.name !== signer.name || s.keyId !== signer.keyId);
  return formatNote({ text: note.text, signatures: [...others, await signatureLine(note.text, signer)] });
}

export interface NoteVerification {
  /** Verifiers with a valid signature on the note. */
  verified: NoteVerifier[];
  /** Signatures that name a known key but do not verify. */
  invalid: NoteSignature[];
  /** Signatures by keys the caller does not know. */
  unknown: NoteSignature[];
}

/** Sorts the note's signatures by the given verifiers; the caller decides which keys it requires. */
export function checkSignatures(note: Note, verifiers: readonly NoteVerifier[]): NoteVerification {
  const result: NoteVerification = { verified: [], invalid: [], unknown: [] };
  const message = Buffer.from(note.text, 'utf8');
  for (const sig of note.signatures) {
    const verifier = verifiers.find((v) => v.name === sig.name && v.keyId === sig.keyId);
    if (!verifier) result.unknown.push(sig);
    else if (verifier.verify(message, sig.signature)) {
      if (!result.verified.includes(verifier)) result.verified.push(verifier);
    } else result.invalid.push(sig);
  }
  return result;
}

export function describeKey(sig: { name: string; keyId: number }): string {
  return `${sig.name}+${keyIdHex(sig.keyId)}`;
}
