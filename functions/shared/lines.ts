/**
 * Lines, the one way they are split: at `\n`, with a `\r` before it dropped. `forEachLine` streams a byte
 * stream of any size without holding more than one line (at most `maxLineBytes` of it) in memory; bytes
 * are decoded as UTF-8 per whole line, so a character split between two chunks decodes correctly.
 * `nonEmptyLines` splits a small text already in memory (keys, JSON Lines given on the command line).
 */

export interface Line {
  text: string;
  /** Offset in the file of the line's first byte. */
  byteOffset: number;
  /** Bytes of the line in the file, its newline included. */
  bytes: number;
  /** The line was longer than maxLineBytes: text holds its beginning only. */
  truncated: boolean;
}

export interface LineOptions {
  /** File offset of the first byte of the stream. */
  startOffset: number;
  maxLineBytes: number;
  /** The stream starts inside a line: skip up to and including the first newline (sampling windows). */
  skipPartialFirstLine?: boolean;
  /** Stop before the first line that starts at or after this file offset. */
  stopAt?: number;
}

/** Calls `visit` for each line; `visit` returning false stops the read. */
export async function forEachLine(
  chunks: AsyncIterable<Uint8Array>,
  options: LineOptions,
  visit: (line: Line) => boolean | undefined,
): Promise<void> {
  const { maxLineBytes, stopAt = Number.POSITIVE_INFINITY } = options;
  let skipping = options.skipPartialFirstLine === true;
  let lineStart = options.startOffset;
  let pending: Buffer[] = [];
  let kept = 0;
  let seen = 0;

  const keep = (piece: Buffer) => {
    seen += piece.length;
    if (skipping || kept >= maxLineBytes) return;
    const room = maxLineBytes - kept;
    const part = piece.length > room ? piece.subarray(0, room) : piece;
    // A chunk is reused by nothing after the loop moves on, but copy anyway: the stream owns its buffers.
    pending.push(Buffer.from(part));
    kept += part.length;
  };

  /** Ends the current line (newline: whether one was read); false when reading must stop. */
  const endLine = (newline: boolean): boolean => {
    const bytes = seen + (newline ? 1 : 0);
    if (skipping) {
      skipping = false;
    } else {
      if (lineStart >= stopAt) return false;
      let buffer = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, kept);
      if (buffer.length > 0 && buffer[buffer.length - 1] === 13)
        buffer = buffer.subarray(0, buffer.length - 1);
      const truncated = seen > maxLineBytes;
      if (visit({ text: buffer.toString('utf8'), byteOffset: lineStart, bytes, truncated }) === false) {
        return false;
      }
    }
    lineStart += bytes;
    pending = [];
    kept = 0;
    seen = 0;
    return true;
  };

  for await (const raw of chunks) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    let pos = 0;
    while (pos < chunk.length) {
      const newline = chunk.indexOf(10, pos);
      if (newline === -1) {
        keep(chunk.subarray(pos));
        break;
      }
      if (seen === 0 && !skipping && newline - pos <= maxLineBytes) {
        // The common case, a whole line inside one chunk: decode it in place.
        if (lineStart >= stopAt) return;
        let end = newline;
        if (end > pos && chunk[end - 1] === 13) end--;
        const bytes = newline - pos + 1;
        const more = visit({
          text: chunk.toString('utf8', pos, end),
          byteOffset: lineStart,
          bytes,
          truncated: false,
        });
        if (more === false) return;
        lineStart += bytes;
      } else {
        keep(chunk.subarray(pos, newline));
        if (!endLine(true)) return;
      }
      pos = newline + 1;
    }
  }
  if (seen > 0) endLine(false);
}

/**
 * The lines of a small text that say something: a leading byte-order mark, blanks around a line and empty
 * lines (a trailing newline's included) are dropped.
 */
export function nonEmptyLines(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
