/**
 * The rows of a subject item, packed: ascending distinct row numbers as the LEB128 varints of their
 * differences (the first from 0). Rows a few apart take one byte each.
 */

/** Encodes rows that are ascending, distinct and positive safe integers. */
export function encodeRows(rows: readonly number[]): Uint8Array {
  const bytes: number[] = [];
  let previous = 0;
  for (const row of rows) {
    if (!Number.isSafeInteger(row) || row <= previous) throw new RangeError('rows must ascend, from 1');
    let delta = row - previous;
    while (delta >= 0x80) {
      bytes.push((delta % 0x80) | 0x80);
      delta = Math.floor(delta / 0x80);
    }
    bytes.push(delta);
    previous = row;
  }
  return Uint8Array.from(bytes);
}

export function decodeRows(bytes: Uint8Array): number[] {
  const rows: number[] = [];
  let previous = 0;
  let delta = 0;
  let scale = 1;
  for (const byte of bytes) {
    delta += (byte & 0x7f) * scale;
    if (byte & 0x80) {
      scale *= 0x80;
      continue;
    }
    previous += delta;
    rows.push(previous);
    delta = 0;
    scale = 1;
  }
  if (scale !== 1) throw new RangeError('packed rows end inside a number');
  return rows;
}
