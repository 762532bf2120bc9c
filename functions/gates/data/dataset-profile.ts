/**
 * One streamed pass over a CSV dataset: its SHA-256 and size (of the bytes as stored), its header, its row
 * count and, with a fairness spec, the label counts per facet (and per group attribute value, for CDDL).
 * Memory depends on the number of distinct group values, never on the rows: each record is folded into
 * counters and dropped. Rows whose facet, label or group is empty are counted as skipped, not guessed.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { FairnessSpec } from '../../contracts/dataset-manifest.ts';
import { labelReader } from '../bias/labels.ts';
import { DatasetDataError } from './errors.ts';
import type { FacetLabelCounts } from './pretraining-metrics.ts';

export interface DatasetProfile {
  sha256: string;
  bytes: number;
  header: string[];
  rows: number;
  /** Present with a fairness spec whose columns are all in the header. */
  labels?: LabelCounts;
}

export interface LabelCounts {
  total: FacetLabelCounts;
  /** Per value of the group attribute, when the spec names one. */
  byGroup?: Map<string, FacetLabelCounts>;
  /** Rows left out: an empty facet, label or group value. */
  skipped: number;
}

/** Distinct group values allowed before the group column is refused as not categorical. */
const MAX_GROUPS = 10_000;

const emptyCounts = (): FacetLabelCounts => ({ aPositive: 0, aNegative: 0, dPositive: 0, dNegative: 0 });

/** Reads the CSV; `source` names it in errors. Throws DatasetDataError when it is not a CSV with a header. */
export async function profileCsv(
  chunks: AsyncIterable<Uint8Array>,
  fairness: FairnessSpec | undefined,
  source: string,
): Promise<DatasetProfile> {
  const hash = createHash('sha256');
  let bytes = 0;
  async function* hashed(): AsyncIterable<Uint8Array> {
    for await (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      yield chunk;
    }
  }
  const readable = Readable.from(hashed());
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true });
  readable.on('error', (error) => parser.destroy(error));
  readable.pipe(parser);
  let header: string[] | undefined;
  let rows = 0;
  let fold: ((record: string[]) => void) | undefined;
  let labels: LabelCounts | undefined;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (header === undefined) {
        header = record;
        checkHeader(header, source);
        labels = fairness && startCounts(fairness, header);
        fold = labels && fairness && counter(fairness, header, labels);
        continue;
      }
      rows++;
      fold?.(record);
    }
  } catch (error) {
    readable.destroy();
    parser.destroy();
    if (error instanceof CsvError)
      throw new DatasetDataError([`${source}: line ${error.lines ?? '?'}: ${error.message}`]);
    throw error;
  }
  if (header === undefined) throw new DatasetDataError([`${source}: empty file (no header row)`]);
  return { sha256: hash.digest('hex'), bytes, header, rows, ...(labels && { labels }) };
}

function checkHeader(header: string[], source: string): void {
  const seen = new Set<string>();
  for (const column of header) {
    if (column.trim() === '') throw new DatasetDataError([`${source}: the header has an empty column name`]);
    if (seen.has(column))
      throw new DatasetDataError([
        `${source}: column ${JSON.stringify(column)} appears more than once in the header`,
      ]);
    seen.add(column);
  }
}

/** Counters when every fairness column is in the header; otherwise none (the gate reports the columns). */
function startCounts(fairness: FairnessSpec, header: string[]): LabelCounts | undefined {
  const columns = [
    fairness.facet.column,
    fairness.label.column,
    ...(fairness.groups ? [fairness.groups] : []),
  ];
  if (!columns.every((column) => header.includes(column))) return undefined;
  return { total: emptyCounts(), skipped: 0, ...(fairness.groups && { byGroup: new Map() }) };
}

function counter(fairness: FairnessSpec, header: string[], labels: LabelCounts): (record: string[]) => void {
  const facetAt = header.indexOf(fairness.facet.column);
  const labelAt = header.indexOf(fairness.label.column);
  const groupAt = fairness.groups === undefined ? -1 : header.indexOf(fairness.groups);
  const sensitive = new Set(fairness.facet.sensitive.map((v) => v.trim()));
  const isPositive = labelReader(fairness.label.positive, []);
  const { total, byGroup } = labels;
  return (record) => {
    const facet = (record[facetAt] ?? '').trim();
    const label = (record[labelAt] ?? '').trim();
    const group = groupAt === -1 ? '' : (record[groupAt] ?? '').trim();
    if (facet === '' || label === '' || (byGroup && group === '')) {
      labels.skipped++;
      return;
    }
    const d = sensitive.has(facet);
    const positive = isPositive(label) === true;
    const key = d ? (positive ? 'dPositive' : 'dNegative') : positive ? 'aPositive' : 'aNegative';
    total[key]++;
    if (byGroup) {
      let counts = byGroup.get(group);
      if (counts === undefined) {
        if (byGroup.size >= MAX_GROUPS)
          throw new DatasetDataError([
            `the group column ${JSON.stringify(fairness.groups)} has more than ${MAX_GROUPS} distinct values; it must be categorical`,
          ]);
        counts = emptyCounts();
        byGroup.set(group, counts);
      }
      counts[key]++;
    }
  };
}
