/**
 * Builds the subject index of one dataset version: streams the CSV, normalises the value of every subject
 * key column of every row, hashes them in batches (SubjectKeyHasher) and adds (hash, row) pairs to the
 * index. Values live only in the current batch, never in the index, a log or an error message.
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { SubjectIndex } from '../ports/subject-index.ts';
import type { SubjectKeyHasher } from '../ports/subject-key-hasher.ts';
import { normaliseSubjectKey } from './subject-key.ts';

const BATCH = 4096;

export interface SubjectIndexBuild {
  /** Data rows read. */
  rows: number;
  /** (hash, row) pairs added: one per non-empty subject key value. */
  entries: number;
}

export async function buildSubjectIndex(
  chunks: AsyncIterable<Uint8Array>,
  subjectKeys: readonly string[],
  datasetVersionId: string,
  deps: { hasher: SubjectKeyHasher; index: SubjectIndex },
): Promise<SubjectIndexBuild> {
  const readable = Readable.from(chunks);
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true });
  readable.on('error', (error) => parser.destroy(error));
  readable.pipe(parser);
  await deps.index.clear(datasetVersionId);
  let columns: number[] | undefined;
  let rows = 0;
  let entries = 0;
  let values: string[] = [];
  let rowNumbers: number[] = [];
  const flush = async () => {
    if (values.length === 0) return;
    const macs = await deps.hasher.macs(values);
    await deps.index.add(datasetVersionId, { macs, rows: rowNumbers });
    entries += values.length;
    values = [];
    rowNumbers = [];
  };
  for await (const record of parser as AsyncIterable<string[]>) {
    if (columns === undefined) {
      columns = subjectKeys.map((key) => record.indexOf(key)).filter((at) => at !== -1);
      continue;
    }
    rows++;
    for (const at of columns) {
      const value = normaliseSubjectKey(record[at] ?? '');
      if (value === '') continue;
      values.push(value);
      rowNumbers.push(rows);
    }
    if (values.length >= BATCH) await flush();
  }
  await flush();
  return { rows, entries };
}
