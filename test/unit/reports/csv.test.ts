/** CSV per RFC 4180: what is written parses back (csv-parse) to exactly the rows the report holds. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvField, csvRow } from '../../../functions/reports/formats/csv.ts';
import { buildReport, renderReport, writeChunks } from '../../../functions/reports/generate-report.ts';
import type { ModelFacts, ReportDocument, ReportType } from '../../../functions/reports/report-model.ts';
import { CV_RANKER_V2, DECISIONS, fixtureInputs } from '../../support/report-fixtures.ts';
import { BufferSink } from './tools.ts';

async function expectedRows(doc: ReportDocument): Promise<string[][]> {
  const rows = [doc.records.csvColumns, ...(doc.records.csvPrelude ?? [])];
  for await (const record of doc.records.items()) rows.push(...record.csv);
  return rows;
}

const CASES: { type: ReportType; decisions: typeof DECISIONS; model?: ModelFacts }[] = [
  { type: 'period-summary', decisions: DECISIONS },
  {
    type: 'model-compliance',
    decisions: DECISIONS.filter((d) => d.subject.group === 'citizen-trust-score'),
    model: { group: 'citizen-trust-score', version: '1' },
  },
  {
    type: 'model-compliance',
    decisions: DECISIONS.filter((d) => d.subject.group === 'cv-ranker' && d.subject.version === '2'),
    model: CV_RANKER_V2,
  },
  {
    type: 'annex-iv',
    decisions: DECISIONS.filter((d) => d.subject.group === 'cv-ranker'),
    model: CV_RANKER_V2,
  },
];

describe('CSV', () => {
  it.each(CASES)('$type parses back to the same rows', async ({ type, decisions, model }) => {
    const inputs = await fixtureInputs(decisions, model);
    const doc = await buildReport(type, 'csv', {}, inputs);
    const sink = new BufferSink();
    await writeChunks(renderReport(doc), sink);
    const text = sink.text();
    const parsed = parse(text, { relax_column_count: false, bom: false }) as string[][];
    expect(parsed).toEqual(await expectedRows(doc));
    // RFC 4180: CRLF after every record, the last one included.
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '').includes('\r')).toBe(false);
  });

  it('keeps a message with a comma, quotes and a line break in one field', async () => {
    const inputs = await fixtureInputs(
      DECISIONS.filter((d) => d.subject.group === 'citizen-trust-score'),
      {
        group: 'citizen-trust-score',
        version: '1',
      },
    );
    const sink = new BufferSink();
    await writeChunks(renderReport(await buildReport('model-compliance', 'csv', {}, inputs)), sink);
    const rows = parse(sink.text(), { columns: true }) as Record<string, string>[];
    expect(rows[0]?.message).toBe(
      'Prohibited practice: social scoring, "detrimental treatment",\nin unrelated contexts.',
    );
    expect(sink.text()).toContain(
      '"Prohibited practice: social scoring, ""detrimental treatment"",\nin unrelated contexts."',
    );
  });

  it('quotes only what needs quoting', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField('')).toBe('');
    expect(csvRow(['a', 'b,c', ''])).toBe('a,"b,c",\r\n');
  });

  it('defuses cells a spreadsheet would run as formulas, but keeps numbers', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+cmd')).toBe("'+cmd");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('-0.08')).toBe('-0.08');
    expect(csvField('+1.5e3')).toBe('+1.5e3');
  });
});
