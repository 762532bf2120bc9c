/**
 * PDF with pdfkit: pure JavaScript, no browser and no native code, so it runs inside Lambda. Text uses
 * pdfkit's built-in standard fonts (Helvetica, Helvetica-Bold, Courier: no font files embedded), charts
 * are the same layout as the HTML's SVG drawn as vector graphics. Pages are flushed as they fill, so a
 * long report streams.
 *
 * Bundling: pdfkit reads each standard font's metrics (AFM) with
 * `fs.readFileSync(__dirname + '/data/<font>.afm')`. In an esbuild ESM bundle `__dirname` is not defined
 * and the files are not next to the bundle; the bundle needs `__dirname` defined in its banner and
 * PDFKIT_FONT_FILES copied to `<bundle dir>/data/`. Without them this module throws PdfFontsUnavailableError
 * saying so.
 */
import PDFDocument from 'pdfkit';
import { PdfFontsUnavailableError } from '../errors.ts';
import type { ReportDocument } from '../report-model.ts';
import { metaRows } from './html.ts';
import { PDFKIT_FONT_FILES } from './pdf-bundling.ts';
import { type Doc, MARGIN, RECORD_ROW_HEIGHT, Writer, winAnsi } from './pdf-writer.ts';

function openDocument(doc: ReportDocument): Doc {
  try {
    return new PDFDocument({
      size: 'A4',
      margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
      compress: true,
      lang: 'en',
      displayTitle: true,
      info: {
        Title: winAnsi(doc.meta.title),
        Author: 'Verdict',
        Subject: `${doc.meta.type} report`,
        Creator: `${doc.meta.generator.name} ${doc.meta.generator.version}`,
        Producer: 'pdfkit',
        CreationDate: new Date(doc.meta.generatedAt),
      },
    });
  } catch (error) {
    const message = (error as Error).message ?? '';
    if (/__dirname|\.afm/.test(message))
      throw new PdfFontsUnavailableError(
        `pdfkit cannot load its standard font metrics (${message}). In a bundle, define __dirname in the banner ` +
          `and copy node_modules/pdfkit/js/data/{${PDFKIT_FONT_FILES.join(',')}} to <bundle dir>/data/.`,
      );
    throw error;
  }
}

export async function* renderPdf(report: ReportDocument): AsyncGenerator<Uint8Array> {
  const doc = openDocument(report);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  const drain = function* (): Generator<Uint8Array> {
    if (chunks.length) yield Buffer.concat(chunks.splice(0));
  };
  const w = new Writer(doc, report.meta.title);

  w.title(report.meta.title);
  w.facts(metaRows(report.meta));
  for (const section of report.sections) {
    w.heading(section.heading);
    for (const block of section.blocks) {
      if (block.kind !== 'records') {
        w.block(block);
        continue;
      }
      const columns = report.records.viewColumns;
      w.caption(`${block.caption} (${report.records.total.toLocaleString('en-US')})`);
      const widths = w.recordWidths(columns, report.records.viewColumnWeights);
      w.tableHeader(columns, widths, RECORD_ROW_HEIGHT);
      for await (const record of report.records.items()) {
        w.tableRow(record.view.cells, widths, columns, record.view.lines);
        yield* drain();
      }
    }
    yield* drain();
  }
  w.ensure(0);
  doc.end();
  await ended;
  yield* drain();
}
