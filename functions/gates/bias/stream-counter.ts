/**
 * Confusion counts per facet value, streamed from CSV (csv-parse) or JSON Lines (shared/lines) of any size.
 * Memory depends on the number of distinct facet values (bounded by `maxGroups`), never on the number
 * of rows: each row is folded into four counters and dropped.
 *
 * A row's label and prediction are read by labels.ts: positive when they are the positive value
 * (`--positive`; default 1, true or yes), negative when they are a known negative (`--negative`; default
 * 0, false or no), numbers compared as numbers, the same in CSV and JSON Lines. Any other value, and an
 * empty or missing label, prediction or facet, is an error that names the row.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CsvError, parse } from 'csv-parse';
import { type DataFormat, formatFromContent, formatFromName } from '../../shared/data-format.ts';
import { forEachLine, type Line } from '../../shared/lines.ts';
import { InvalidInputError } from '../../shared/validation.ts';
import { BIAS_DATA_INVALID, UnknownLabelError } from './errors.ts';
import { describeLabels, type LabelValue, labelReader } from './labels.ts';
import type { ConfusionCounts } from './metrics.ts';

export interface CountSpec {
  label: string;
  prediction: string;
  facet: string;
  /** The positive label and prediction value; default 1, true or yes. */
  positive?: string | undefined;
  /** The negative label and prediction values; default 0, false or no. */
  negative?: readonly string[] | undefined;
  /**
   * The group a facet value counts towards, or undefined to skip the row; default: the value itself.
   * With one sensitive value against every other value, two groups suffice whatever the facet holds.
   */
  group?: ((facetValue: string) => string | undefined) | undefined;
  /** Distinct groups allowed before the facet is rejected as not categorical; default 10 000. */
  maxGroups?: number | undefined;
  /** A JSON line longer than this is refused, not held in memory; default 8 MiB (a row is a few hundred bytes). */
  maxLineBytes?: number | undefined;
}

export interface CountResult {
  /** Confusion counts per group, in order of first appearance. */
  byGroup: Map<string, ConfusionCounts>;
  /** Data rows read. */
  rows: number;
  /** Rows whose facet value belongs to no group (the `group` function returned undefined). */
  skipped: number;
}

/** The data formats the counter reads. */
export const COUNT_FORMATS = ['csv', 'tsv', 'jsonl'] as const satisfies readonly DataFormat[];
export type CountFormat = (typeof COUNT_FORMATS)[number];

const DEFAULT_MAX_GROUPS = 10_000;
const CODE = BIAS_DATA_INVALID;

/** Counters of one group: TP, FP, FN, TN (plain numbers: exact up to 2^53 rows). */
type Tally = [number, number, number, number];

class Counter {
  readonly tallies = new Map<string, Tally>();
  rows = 0;
  skipped = 0;
  readonly #group: ((v: string) => string | undefined) | undefined;
  readonly #maxGroups: number;

  constructor(
    spec: CountSpec,
    private readonly where: (detail: string) => string,
  ) {
    this.#group = spec.group;
    this.#maxGroups = spec.maxGroups ?? DEFAULT_MAX_GROUPS;
  }

  add(facetValue: string, label: boolean, prediction: boolean): void {
    this.rows++;
    const key = this.#group ? this.#group(facetValue) : facetValue;
    if (key === undefined) {
      this.skipped++;
      return;
    }
    let t = this.tallies.get(key);
    if (t === undefined) {
      if (this.tallies.size >= this.#maxGroups)
        throw new InvalidInputError(CODE, [
          this.where(
            `the facet has more than ${this.#maxGroups} distinct values; a facet must be categorical (bucket continuous values first)`,
          ),
        ]);
      t = [0, 0, 0, 0];
      this.tallies.set(key, t);
    }
    t[label ? (prediction ? 0 : 2) : prediction ? 1 : 3]++;
  }

  result(): CountResult {
    const byGroup = new Map<string, ConfusionCounts>();
    for (const [k, [tp, fp, fn, tn]] of this.tallies)
      byGroup.set(k, { TP: BigInt(tp), FP: BigInt(fp), FN: BigInt(fn), TN: BigInt(tn) });
    return { byGroup, rows: this.rows, skipped: this.skipped };
  }
}

/** Reads a label or prediction, or throws naming the row, the column and the values it could be. */
function readLabels(spec: CountSpec, where: (detail: string) => string) {
  const read = labelReader(spec.positive, spec.negative);
  const expected = describeLabels(spec.positive, spec.negative);
  return (value: LabelValue, column: string): boolean => {
    const positive = read(value);
    if (positive !== undefined) return positive;
    throw new UnknownLabelError(
      where(
        `${column} ${JSON.stringify(value)} is neither the positive value (${expected.positive}) nor a known negative (${expected.negative})`,
      ),
    );
  };
}

type Input = Readable | AsyncIterable<Uint8Array | string>;

const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;

async function* bytesOf(readable: Readable): AsyncIterable<Uint8Array> {
  for await (const chunk of readable)
    yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
}
const toReadable = (input: Input): Readable => (input instanceof Readable ? input : Readable.from(input));

/**
 * Counts CSV rows (first row: the header), streamed. `source` names the input in error messages, which
 * give the data row (the Nth row after the header) and, for malformed CSV, the line.
 */
export async function countCsv(
  input: Input,
  spec: CountSpec,
  source: string,
  delimiter = ',',
): Promise<CountResult> {
  let row = 0;
  const where = (detail: string) => `${source}: row ${row}: ${detail}`;
  const isPositive = readLabels(spec, where);
  const counter = new Counter(spec, where);
  const names = [spec.label, spec.prediction, spec.facet];
  const readable = toReadable(input);
  // Records come as arrays (no per-record info objects: csv-parse is several times faster without).
  const parser = parse({ bom: true, delimiter, skip_empty_lines: true });
  readable.on('error', (error) => parser.destroy(error));
  readable.pipe(parser);
  let columns: number[] | undefined;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (columns === undefined) {
        columns = header(record, names, source);
        continue;
      }
      row++;
      const label = record[columns[0] as number] as string;
      const prediction = record[columns[1] as number] as string;
      const facet = record[columns[2] as number] as string;
      if (label === '' || prediction === '' || facet === '') {
        const empty = [label, prediction, facet].indexOf('');
        throw new InvalidInputError(CODE, [where(`column ${JSON.stringify(names[empty])} is empty`)]);
      }
      counter.add(
        facet,
        isPositive(label, `column ${JSON.stringify(names[0])}`),
        isPositive(prediction, `column ${JSON.stringify(names[1])}`),
      );
    }
  } catch (error) {
    readable.destroy();
    parser.destroy();
    if (error instanceof CsvError) {
      // The parser runs ahead of this loop: its own counts locate the bad record (the header is record 1).
      const at = typeof error.records === 'number' ? error.records : row + 1;
      const line = typeof error.lines === 'number' ? ` (line ${error.lines})` : '';
      throw new InvalidInputError(CODE, [`${source}: row ${at}${line}: ${error.message}`]);
    }
    throw error;
  }
  if (columns === undefined) throw new InvalidInputError(CODE, [`${source}: empty file (no header row)`]);
  if (counter.rows === 0) throw new InvalidInputError(CODE, [`${source}: no data rows after the header`]);
  return counter.result();
}

function header(record: string[], names: string[], source: string): number[] {
  const problems: string[] = [];
  const indexes = names.map((name) => {
    const at = record.indexOf(name);
    if (at === -1) problems.push(`${source}: no column ${JSON.stringify(name)} in the header`);
    else if (record.indexOf(name, at + 1) !== -1)
      problems.push(`${source}: column ${JSON.stringify(name)} appears more than once in the header`);
    return at;
  });
  if (problems.length) {
    problems.push(`${source}: the header has ${record.map((c) => JSON.stringify(c)).join(', ')}`);
    throw new InvalidInputError(CODE, problems);
  }
  return indexes;
}

/** Counts JSON Lines rows (one object per line; blank lines skipped), streamed. */
export async function countJsonl(input: Input, spec: CountSpec, source: string): Promise<CountResult> {
  let line = 0;
  let row = 0;
  const where = (detail: string) => `${source}: row ${row} (line ${line}): ${detail}`;
  const isPositive = readLabels(spec, where);
  const counter = new Counter(spec, where);
  const readable = toReadable(input);
  const maxLineBytes = spec.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const field = (record: Record<string, unknown>, name: string): LabelValue => {
    const v = record[name];
    if (v === undefined || !Object.hasOwn(record, name))
      throw new InvalidInputError(CODE, [where(`no field ${JSON.stringify(name)}`)]);
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      const type = v === null ? 'null' : Array.isArray(v) ? 'an array' : 'an object';
      throw new InvalidInputError(CODE, [
        where(`field ${JSON.stringify(name)} is ${type}, not a string, number or boolean`),
      ]);
    }
    if (v === '') throw new InvalidInputError(CODE, [where(`field ${JSON.stringify(name)} is empty`)]);
    return v;
  };
  const visit = ({ text: raw, truncated }: Line): boolean => {
    line++;
    const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.trim().length === 0) return true;
    row++;
    if (truncated) throw new InvalidInputError(CODE, [where(`longer than ${maxLineBytes} bytes`)]);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new InvalidInputError(CODE, [where(`not JSON: ${(error as Error).message}`)]);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new InvalidInputError(CODE, [where('not a JSON object')]);
    const record = parsed as Record<string, unknown>;
    const label = field(record, spec.label);
    const prediction = field(record, spec.prediction);
    const facet = field(record, spec.facet);
    counter.add(
      String(facet),
      isPositive(label, `field ${JSON.stringify(spec.label)}`),
      isPositive(prediction, `field ${JSON.stringify(spec.prediction)}`),
    );
    return true;
  };
  try {
    await forEachLine(bytesOf(readable), { startOffset: 0, maxLineBytes }, visit);
  } finally {
    readable.destroy();
  }
  if (counter.rows === 0) throw new InvalidInputError(CODE, [`${source}: no rows (empty file)`]);
  return counter.result();
}

/** Counts a CSV, TSV or JSON Lines file (gzip when it ends in .gz), streamed. */
export async function countFile(path: string, spec: CountSpec, format?: CountFormat): Promise<CountResult> {
  try {
    return await countFileUnchecked(path, spec, format);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
      throw new InvalidInputError(CODE, [`${path}: cannot be read (${code})`]);
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR')
      throw new InvalidInputError(CODE, [`${path}: not valid gzip (${(error as Error).message})`]);
    throw error;
  }
}

async function countFileUnchecked(path: string, spec: CountSpec, format?: CountFormat): Promise<CountResult> {
  const gz = path.toLowerCase().endsWith('.gz');
  const open = () => {
    const file = createReadStream(path);
    if (!gz) return file;
    const gunzip = createGunzip();
    file.on('error', (error) => gunzip.destroy(error));
    return file.pipe(gunzip);
  };
  // A name that says text (.txt, .log) says nothing about the columns: the content decides.
  const byName = formatFromName(path)?.format;
  const fmt =
    format ?? (byName === 'text' ? undefined : byName) ?? formatFromContent(await firstBytes(open()));
  if (fmt === 'parquet' || fmt === 'text')
    throw new InvalidInputError(CODE, [
      `${path}: ${fmt} files are not read here: expected CSV, TSV or JSON Lines`,
    ]);
  const input = open();
  if (fmt === 'jsonl') return countJsonl(input, spec, path);
  return countCsv(input, spec, path, fmt === 'tsv' ? '\t' : ',');
}

async function firstBytes(stream: Readable, n = 4096): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= n) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, n);
}
