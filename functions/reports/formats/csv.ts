/**
 * CSV per RFC 4180: a header row, CRLF line ends, fields quoted when they hold a comma, a double quote,
 * CR or LF (quotes doubled inside). A text cell that a spreadsheet would evaluate as a formula (`=`, `+`, `-`, `@`)
 * is prefixed with `'` (OWASP CSV injection). One row per decision or per violation, as the report type defines.
 */
import type { ReportDocument } from '../report-model.ts';
import { TextChunks } from './chunks.ts';

/** A cell a spreadsheet would run as a formula; plain numbers such as -0.08 stay as they are. */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;

export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvRow(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export async function* renderCsv(doc: ReportDocument): AsyncGenerator<string> {
  const out = new TextChunks();
  out.push(csvRow(doc.records.csvColumns));
  for (const row of doc.records.csvPrelude ?? []) out.push(csvRow(row));
  for await (const record of doc.records.items()) {
    for (const row of record.csv) out.push(csvRow(row));
    if (out.full) yield out.take();
  }
  yield out.take();
}
