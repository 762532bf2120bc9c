/**
 * What kind of data file a file is, for every reader of training data (the PII scanner, the bias counter):
 * by its name first, by its first bytes when the name says nothing.
 */

export type DataFormat = 'text' | 'csv' | 'tsv' | 'jsonl' | 'parquet';

/** Extensions, lower case. `.json` is not here: it usually holds one JSON document, not JSON Lines. */
const EXTENSIONS: Readonly<Record<string, DataFormat>> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  parquet: 'parquet',
  pq: 'parquet',
  txt: 'text',
  text: 'text',
  log: 'text',
};

export interface NamedFormat {
  format: DataFormat;
  /** The name ends in `.gz` after the format's extension (`rows.csv.gz`). */
  gzip: boolean;
}

/**
 * The format a file's name says: its extension in any case, after an optional `.gz`; null when it has
 * none or an unknown one. A name that is only an extension (`.csv`, a hidden file) says nothing.
 */
export function formatFromName(name: string): NamedFormat | null {
  let base = (name.split(/[/\\]/).pop() ?? name).toLowerCase();
  const gzip = base.endsWith('.gz');
  if (gzip) base = base.slice(0, -'.gz'.length);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return null;
  const format = EXTENSIONS[base.slice(dot + 1)];
  return format ? { format, gzip } : null;
}

const PARQUET_MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"

/**
 * The format a file's first bytes show: Parquet by its magic number; else, after a byte-order mark and
 * blank space, JSON Lines when the first character is `{`, TSV when the first line has tabs and no
 * commas, CSV otherwise.
 */
export function formatFromContent(firstBytes: Uint8Array): DataFormat {
  if (PARQUET_MAGIC.every((byte, i) => firstBytes[i] === byte)) return 'parquet';
  const text = new TextDecoder()
    .decode(firstBytes)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (text.startsWith('{')) return 'jsonl';
  const first = (text.split('\n', 1)[0] ?? '').replace(/\r$/, '');
  return first.includes('\t') && !first.includes(',') ? 'tsv' : 'csv';
}
