/**
 * The C2SP tlog-checkpoint body: origin, tree size and root hash, one per line, each ending in a newline,
 * then optional extension lines.
 */
import { fromBase64, HASH_SIZE, toBase64 } from './rfc6962.ts';

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  /** Extension lines (without their newline), kept in order. */
  extensions?: string[];
}

export class CheckpointFormatError extends Error {
  override readonly name = 'CheckpointFormatError';
}

export function encodeCheckpoint(checkpoint: Checkpoint): string {
  checkOrigin(checkpoint.origin);
  if (!Number.isSafeInteger(checkpoint.size) || checkpoint.size < 0)
    throw new CheckpointFormatError(`invalid tree size ${checkpoint.size}`);
  if (checkpoint.rootHash.length !== HASH_SIZE) throw new CheckpointFormatError('root hash must be 32 bytes');
  const lines = [checkpoint.origin, String(checkpoint.size), toBase64(checkpoint.rootHash)];
  for (const ext of checkpoint.extensions ?? []) {
    if (ext === '' || /[\n\r]/.test(ext)) throw new CheckpointFormatError('invalid extension line');
    lines.push(ext);
  }
  return `${lines.join('\n')}\n`;
}

export function parseCheckpoint(body: string): Checkpoint {
  if (!body.endsWith('\n')) throw new CheckpointFormatError('checkpoint body must end with a newline');
  const lines = body.slice(0, -1).split('\n');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin === undefined || sizeText === undefined || rootText === undefined)
    throw new CheckpointFormatError('checkpoint body needs origin, size and root hash lines');
  checkOrigin(origin);
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText)))
    throw new CheckpointFormatError(`tree size "${sizeText}" is not a canonical decimal integer`);
  const rootHash = fromBase64(rootText);
  if (!rootHash || rootHash.length !== HASH_SIZE)
    throw new CheckpointFormatError('root hash is not the standard base64 of 32 bytes');
  if (extensions.some((line) => line === ''))
    throw new CheckpointFormatError('checkpoint body has an empty line');
  return { origin, size: Number(sizeText), rootHash, extensions };
}

function checkOrigin(origin: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (origin === '' || /[\u0000-\u001f\u007f]/.test(origin))
    throw new CheckpointFormatError('origin must be a non-empty line without control characters');
}
