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
import type { Block, Chart, EvidenceItem, ReportDocument, Tone } from '../report-model.ts';
import { chartTable, layoutChart } from './chart-layout.ts';
import { metaRows } from './html.ts';
import { PDFKIT_FONT_FILES } from './pdf-bundling.ts';

const FONT = { body: 'Helvetica', bold: 'Helvetica-Bold', mono: 'Courier' } as const;
const MARGIN = 50;
const TONE_COLORS: Record<Tone, string> = {
  normal: '#1a1a1a',
  missing: '#8a4b00',
  note: '#555555',
  good: '#1b5e20',
  bad: '#9e1b1b',
};

/** Characters the standard fonts can show (WinAnsiEncoding); anything else becomes "?". */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
export function winAnsi(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0x3f;
    if (c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.has(ch))
      out += ch;
    else if (c === 0x09) out += ' ';
    else out += '?';
  }
  return out;
}

type Doc = PDFKit.PDFDocument;

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
      w.paragraph(`${block.caption} (${report.records.total.toLocaleString('en-US')})`, 'normal', true);
      const widths = recordWidths(columns.length, w.width);
      w.tableHeader(columns, widths);
      for await (const record of report.records.items()) {
        w.tableRow(record.view.cells, widths, columns, record.view.lines);
        yield* drain();
      }
    }
    yield* drain();
  }
  doc.end();
  await ended;
  yield* drain();
}

function recordWidths(n: number, width: number): number[] {
  // The first column is a timestamp, the last a ledger reference; the others share the rest.
  const first = 108;
  const last = Math.min(110, width / 4);
  const middle = (width - first - last) / Math.max(1, n - 2);
  return Array.from({ length: n }, (_, i) => (i === 0 ? first : i === n - 1 ? last : middle));
}

/** Keeps the cursor and page breaks: every drawing call checks the space it needs first. */
class Writer {
  readonly width: number;
  readonly #bottom: number;
  #page = 1;

  constructor(
    readonly doc: Doc,
    readonly runningTitle: string,
  ) {
    this.width = doc.page.width - 2 * MARGIN;
    this.#bottom = doc.page.height - MARGIN;
    this.footer();
    doc.on('pageAdded', () => {
      this.#page++;
      this.footer();
    });
  }

  /** Title and page number below the bottom margin (margins lifted so that pdfkit adds no page). */
  footer(): void {
    const { doc } = this;
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font(FONT.body)
      .fontSize(7.5)
      .fillColor('#777777')
      .text(winAnsi(`${this.runningTitle}  -  page ${this.#page}`), MARGIN, doc.page.height - MARGIN + 18, {
        width: this.width,
        lineBreak: false,
      });
    doc.page.margins.bottom = saved;
    doc.x = MARGIN;
    doc.y = MARGIN;
  }

  ensure(height: number): void {
    if (this.doc.y + height > this.#bottom) this.doc.addPage();
  }

  title(text: string): void {
    this.doc
      .font(FONT.bold)
      .fontSize(17)
      .fillColor('#111111')
      .text(winAnsi(text), MARGIN, this.doc.y, { width: this.width });
    this.doc.moveDown(0.4);
  }

  heading(text: string): void {
    this.ensure(70);
    this.doc.moveDown(0.6);
    const y = this.doc.y;
    this.doc
      .font(FONT.bold)
      .fontSize(13)
      .fillColor('#111111')
      .text(winAnsi(text), MARGIN, y, { width: this.width });
    this.doc
      .moveTo(MARGIN, this.doc.y + 1)
      .lineTo(MARGIN + this.width, this.doc.y + 1)
      .lineWidth(0.75)
      .strokeColor('#bbbbbb')
      .stroke();
    this.doc.moveDown(0.35);
  }

  paragraph(text: string, tone: Tone = 'normal', bold = false): void {
    const size = 9.5;
    const t = winAnsi(text);
    this.doc.font(bold || tone === 'missing' ? FONT.bold : FONT.body).fontSize(size);
    this.ensure(this.doc.heightOfString(t, { width: this.width }) + 4);
    this.doc.fillColor(TONE_COLORS[tone]).text(t, MARGIN, this.doc.y, { width: this.width });
    this.doc.moveDown(0.35);
  }

  facts(rows: [string, string][]): void {
    const labelW = 190;
    for (const [label, value] of rows) {
      const v = winAnsi(value);
      const l = winAnsi(label);
      // A row is as tall as the taller of its label and its value, so neither runs into the next row.
      this.doc.font(FONT.bold).fontSize(9);
      const labelH = this.doc.heightOfString(l, { width: labelW - 8 });
      this.doc.font(FONT.body);
      const h = Math.max(this.doc.heightOfString(v, { width: this.width - labelW }), labelH, 11);
      this.ensure(h + 2);
      const y = this.doc.y;
      this.doc
        .font(FONT.bold)
        .fillColor('#111111')
        .text(l, MARGIN, y, { width: labelW - 8 });
      this.doc.font(FONT.body).text(v, MARGIN + labelW, y, { width: this.width - labelW });
      this.doc.y = y + h + 2;
    }
    this.doc.moveDown(0.3);
  }

  block(block: Exclude<Block, { kind: 'records' }>): void {
    switch (block.kind) {
      case 'paragraph':
        this.paragraph(block.text, block.tone);
        return;
      case 'facts':
        this.facts(block.rows);
        return;
      case 'table':
        this.table(block.caption, block.columns, block.rows);
        return;
      case 'chart':
        this.chart(block.chart);
        return;
      case 'evidence':
        this.evidence(block.items);
        return;
    }
  }

  table(caption: string, columns: string[], rows: string[][]): void {
    this.paragraph(caption, 'normal', true);
    const widths = fitWidths(columns, rows, this.doc, this.width);
    this.tableHeader(columns, widths);
    for (const row of rows) this.tableRow(row, widths, columns, []);
    this.doc.moveDown(0.4);
  }

  tableHeader(columns: string[], widths: number[]): void {
    this.doc.font(FONT.bold).fontSize(8);
    const h =
      Math.max(
        ...columns.map((c, i) => this.doc.heightOfString(winAnsi(c), { width: (widths[i] ?? 40) - 4 })),
      ) + 4;
    this.ensure(h + 14);
    const y = this.doc.y;
    this.doc.rect(MARGIN, y, this.width, h).fill('#eeeeee');
    let x = MARGIN;
    columns.forEach((c, i) => {
      this.doc.fillColor('#111111').text(winAnsi(c), x + 2, y + 2, { width: (widths[i] ?? 40) - 4 });
      x += widths[i] ?? 40;
    });
    this.doc.y = y + h;
  }

  tableRow(
    cells: string[],
    widths: number[],
    columns: string[],
    lines: { text: string; tone?: Tone }[],
  ): void {
    const { doc } = this;
    doc.font(FONT.body).fontSize(8);
    const texts = cells.map(winAnsi);
    const h =
      Math.max(...texts.map((c, i) => doc.heightOfString(c || ' ', { width: (widths[i] ?? 40) - 4 }))) + 4;
    doc.fontSize(7.5);
    const lineTexts = lines.map((l) => ({ text: winAnsi(l.text), tone: l.tone ?? 'normal' }));
    const lineHeights = lineTexts.map((l) => doc.heightOfString(l.text, { width: this.width - 16 }));
    const linesH = lineHeights.reduce((a, b) => a + b, 0) + (lines.length ? 3 : 0);
    if (doc.y + h + Math.min(linesH, 60) > this.#bottom) {
      doc.addPage();
      this.tableHeader(columns, widths);
    }
    let y = doc.y;
    doc.font(FONT.body).fontSize(8).fillColor('#1a1a1a');
    let x = MARGIN;
    texts.forEach((c, i) => {
      doc.text(c, x + 2, y + 2, { width: (widths[i] ?? 40) - 4 });
      x += widths[i] ?? 40;
    });
    y += h;
    doc
      .moveTo(MARGIN, y)
      .lineTo(MARGIN + this.width, y)
      .lineWidth(0.3)
      .strokeColor('#cccccc')
      .stroke();
    doc.fontSize(7.5);
    lineTexts.forEach((l, i) => {
      const lh = lineHeights[i] ?? 9;
      if (y + lh > this.#bottom) {
        doc.addPage();
        y = doc.y;
      }
      doc
        .font(l.tone === 'bad' || l.tone === 'missing' ? FONT.bold : FONT.body)
        .fillColor(TONE_COLORS[l.tone]);
      doc.text(l.text, MARGIN + 14, y + 1, { width: this.width - 16 });
      y += lh;
    });
    doc.y = y + (lines.length ? 3 : 0);
  }

  evidence(items: EvidenceItem[]): void {
    const columns = ['evidence', 'status', 'detail', 'where'];
    const widths = [150, 55, 140, this.width - 345];
    this.tableHeader(columns, widths);
    for (const item of items) {
      const where = item.refs
        .map((r) =>
          [r.ledgerIndex !== undefined ? `ledger #${r.ledgerIndex}` : '', r.entryHash ?? '', r.source ?? '']
            .filter(Boolean)
            .join(' '),
        )
        .join('\n');
      const status =
        item.status === 'present'
          ? 'present'
          : item.status === 'not-applicable'
            ? 'n/a'
            : item.status.toUpperCase();
      this.evidenceRow(
        [item.label, status, item.detail, where || '(no reference)'],
        widths,
        columns,
        item.status,
      );
    }
    this.doc.moveDown(0.4);
  }

  evidenceRow(cells: string[], widths: number[], columns: string[], status: EvidenceItem['status']): void {
    const { doc } = this;
    const fonts = [FONT.body, FONT.bold, FONT.body, FONT.mono];
    const sizes = [8, 8, 8, 7];
    const texts = cells.map(winAnsi);
    const heights = texts.map((c, i) => {
      doc.font(fonts[i] ?? FONT.body).fontSize(sizes[i] ?? 8);
      return doc.heightOfString(c || ' ', { width: (widths[i] ?? 40) - 4 });
    });
    const h = Math.max(...heights) + 4;
    if (doc.y + h > this.#bottom) {
      doc.addPage();
      this.tableHeader(columns, widths);
    }
    const y = doc.y;
    let x = MARGIN;
    texts.forEach((c, i) => {
      const color =
        i === 1
          ? status === 'present'
            ? TONE_COLORS.good
            : status === 'not-applicable'
              ? TONE_COLORS.note
              : TONE_COLORS.missing
          : '#1a1a1a';
      doc
        .font(fonts[i] ?? FONT.body)
        .fontSize(sizes[i] ?? 8)
        .fillColor(color)
        .text(c, x + 2, y + 2, { width: (widths[i] ?? 40) - 4 });
      x += widths[i] ?? 40;
    });
    doc.y = y + h;
    doc
      .moveTo(MARGIN, doc.y)
      .lineTo(MARGIN + this.width, doc.y)
      .lineWidth(0.3)
      .strokeColor('#cccccc')
      .stroke();
  }

  chart(chart: Chart): void {
    const { doc } = this;
    const layout = layoutChart(chart);
    const scale = this.width / layout.width;
    const height = layout.height * scale;
    this.ensure(height + 40);
    this.paragraph(`Figure: ${chart.title}`, 'normal', true);
    const top = doc.y;
    doc.save();
    doc.translate(MARGIN, top).scale(scale);
    for (const p of layout.primitives) {
      if (p.t === 'rect') doc.rect(p.x, p.y, p.w, p.h).fill(p.fill);
      else if (p.t === 'line')
        doc.moveTo(p.x1, p.y1).lineTo(p.x2, p.y2).lineWidth(p.width).strokeColor(p.stroke).stroke();
      else {
        const text = winAnsi(p.text);
        doc
          .font(p.bold ? FONT.bold : FONT.body)
          .fontSize(p.size)
          .fillColor(p.fill);
        const tw = doc.widthOfString(text);
        const dx = p.anchor === 'middle' ? -tw / 2 : p.anchor === 'end' ? -tw : 0;
        const baseline = p.size * 0.78;
        if (p.rotate) {
          doc.save();
          doc.rotate(p.rotate, { origin: [p.x, p.y] });
          doc.text(text, p.x + dx, p.y - baseline, { lineBreak: false });
          doc.restore();
        } else doc.text(text, p.x + dx, p.y - baseline, { lineBreak: false });
      }
    }
    doc.restore();
    doc.x = MARGIN;
    doc.y = top + height + 4;
    this.paragraph(chart.description, 'note');
    const data = chartTable(chart);
    if (chart.dataTable !== false && data.rows.length <= 40)
      this.table(`${chart.title} (data)`, data.columns, data.rows);
  }
}

/** Column widths in proportion to their longest text, within limits, filling the page width. */
function fitWidths(columns: string[], rows: string[][], doc: Doc, width: number): number[] {
  doc.font(FONT.body).fontSize(8);
  const want = columns.map((c, i) => {
    let longest = doc.widthOfString(winAnsi(c)) + 8;
    for (const row of rows.slice(0, 200))
      longest = Math.max(longest, doc.widthOfString(winAnsi(row[i] ?? '')) + 8);
    return Math.min(Math.max(longest, 36), 260);
  });
  const total = want.reduce((a, b) => a + b, 0);
  return want.map((w) => (w * width) / total);
}
