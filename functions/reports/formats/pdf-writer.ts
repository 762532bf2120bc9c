/**
 * Lays a report out on PDF pages with pdfkit: headings and captions kept with the block after them, table
 * cells wrapped at word boundaries (line-breaks.ts), charts drawn from the shared chart layout.
 */
import type { Block, Chart, EvidenceItem, Tone } from '../report-model.ts';
import { chartTable, layoutChart } from './chart-layout.ts';
import { isWord, wrapLines } from './line-breaks.ts';

const FONT = { body: 'Helvetica', bold: 'Helvetica-Bold', mono: 'Courier' } as const;
export const MARGIN = 50;
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

export type Doc = PDFKit.PDFDocument;

/** About one record row: what a table header keeps below it on its page. */
export const RECORD_ROW_HEIGHT = 24;
const CELL_PADDING = 2;
const TABLE_SIZE = 8;

/**
 * Keeps the cursor and page breaks: every drawing call first asks for the space it needs (ensure). A
 * heading or caption is held until the block after it asks for its space, and goes to the next page with
 * that block when both do not fit: a page never ends with a heading.
 */
export class Writer {
  readonly width: number;
  readonly #bottom: number;
  #page = 1;
  readonly #held: { height: number; draw: () => void }[] = [];

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

  /**
   * Makes room for `height` points below what is held (headings, captions), starting a page when they do
   * not fit together, then draws what is held. True when it started a page.
   */
  ensure(height: number): boolean {
    const held = this.#held.reduce((sum, h) => sum + h.height, 0);
    let added = false;
    if (this.doc.y + held + height > this.#bottom && this.doc.y > MARGIN + 1) {
      this.doc.addPage();
      added = true;
    }
    for (const h of this.#held.splice(0)) h.draw();
    return added;
  }

  /** Text broken into lines that fit `width` in the current font: words whole, long identifiers in pieces. */
  fit(text: string, width: number): string {
    return wrapLines(winAnsi(text), width - 0.5, (t) => this.doc.widthOfString(t)).join('\n');
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
    const { doc } = this;
    doc.font(FONT.bold).fontSize(13);
    const t = this.fit(text, this.width);
    const gapBefore = 9;
    const gapAfter = 5;
    const height = gapBefore + doc.heightOfString(t, { width: this.width }) + gapAfter;
    this.#held.push({
      height,
      draw: () => {
        const y = doc.y > MARGIN + 1 ? doc.y + gapBefore : doc.y;
        doc.font(FONT.bold).fontSize(13).fillColor('#111111').text(t, MARGIN, y, { width: this.width });
        doc
          .moveTo(MARGIN, doc.y + 1)
          .lineTo(MARGIN + this.width, doc.y + 1)
          .lineWidth(0.75)
          .strokeColor('#bbbbbb')
          .stroke();
        doc.y += gapAfter;
      },
    });
  }

  /** A bold line that introduces the block after it (a table, a figure): kept with that block. */
  caption(text: string): void {
    const { doc } = this;
    doc.font(FONT.bold).fontSize(9.5);
    const t = this.fit(text, this.width);
    const height = doc.heightOfString(t, { width: this.width }) + 3;
    this.#held.push({
      height,
      draw: () => {
        const y = doc.y;
        doc
          .font(FONT.bold)
          .fontSize(9.5)
          .fillColor(TONE_COLORS.normal)
          .text(t, MARGIN, y, { width: this.width });
        doc.y = y + height;
      },
    });
  }

  paragraph(text: string, tone: Tone = 'normal'): void {
    const { doc } = this;
    doc.font(tone === 'missing' ? FONT.bold : FONT.body).fontSize(9.5);
    const t = this.fit(text, this.width);
    const h = doc.heightOfString(t, { width: this.width });
    this.ensure(h + 4);
    doc
      .font(tone === 'missing' ? FONT.bold : FONT.body)
      .fontSize(9.5)
      .fillColor(TONE_COLORS[tone])
      .text(t, MARGIN, doc.y, { width: this.width });
    doc.moveDown(0.35);
  }

  facts(rows: [string, string][]): void {
    const { doc } = this;
    const labelW = 190;
    for (const [label, value] of rows) {
      // A row is as tall as the taller of its label and its value, so neither runs into the next row.
      doc.font(FONT.bold).fontSize(9);
      const l = this.fit(label, labelW - 8);
      const labelH = doc.heightOfString(l, { width: labelW - 8 });
      doc.font(FONT.body);
      const v = this.fit(value, this.width - labelW);
      const h = Math.max(doc.heightOfString(v, { width: this.width - labelW }), labelH, 11);
      this.ensure(h + 2);
      const y = doc.y;
      doc
        .font(FONT.bold)
        .fillColor('#111111')
        .text(l, MARGIN, y, { width: labelW - 8 });
      doc.font(FONT.body).text(v, MARGIN + labelW, y, { width: this.width - labelW });
      doc.y = y + h + 2;
    }
    doc.moveDown(0.3);
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
    this.caption(caption);
    const widths = this.fitWidths(columns, rows);
    const first = rows[0];
    this.tableHeader(columns, widths, first ? this.rowHeight(first, widths) : 0);
    for (const row of rows) this.tableRow(row, widths, columns, []);
    this.doc.moveDown(0.4);
  }

  /** The cells of a row broken into lines for their columns, in the table font. */
  cellTexts(cells: string[], widths: number[], font: string = FONT.body): string[] {
    this.doc.font(font).fontSize(TABLE_SIZE);
    return cells.map((c, i) => this.fit(c, (widths[i] ?? 40) - 2 * CELL_PADDING));
  }

  rowHeight(cells: string[], widths: number[], font: string = FONT.body): number {
    const texts = this.cellTexts(cells, widths, font);
    return (
      Math.max(
        ...texts.map((c, i) =>
          this.doc.heightOfString(c || ' ', { width: (widths[i] ?? 40) - 2 * CELL_PADDING }),
        ),
      ) +
      2 * CELL_PADDING
    );
  }

  /** The header row, kept on a page with `below` points of the first row. */
  tableHeader(columns: string[], widths: number[], below: number): void {
    const { doc } = this;
    const h = this.rowHeight(columns, widths, FONT.bold);
    this.ensure(h + below);
    const texts = this.cellTexts(columns, widths, FONT.bold);
    const y = doc.y;
    doc.rect(MARGIN, y, this.width, h).fill('#eeeeee');
    let x = MARGIN;
    texts.forEach((c, i) => {
      const w = widths[i] ?? 40;
      doc.fillColor('#111111').text(c, x + CELL_PADDING, y + CELL_PADDING, { width: w - 2 * CELL_PADDING });
      x += w;
    });
    doc.y = y + h;
  }

  tableRow(
    cells: string[],
    widths: number[],
    columns: string[],
    lines: { text: string; tone?: Tone }[],
  ): void {
    const { doc } = this;
    const h = this.rowHeight(cells, widths);
    const texts = this.cellTexts(cells, widths);
    doc.fontSize(7.5);
    const lineTexts = lines.map((l) => {
      doc.font(l.tone === 'bad' || l.tone === 'missing' ? FONT.bold : FONT.body);
      return { text: this.fit(l.text, this.width - 16), tone: l.tone ?? 'normal' };
    });
    const lineHeights = lineTexts.map((l) => doc.heightOfString(l.text, { width: this.width - 16 }));
    const linesH = lineHeights.reduce((a, b) => a + b, 0) + (lines.length ? 3 : 0);
    if (this.ensure(h + Math.min(linesH, 60))) this.tableHeader(columns, widths, h);
    let y = doc.y;
    doc.font(FONT.body).fontSize(TABLE_SIZE).fillColor('#1a1a1a');
    let x = MARGIN;
    texts.forEach((c, i) => {
      const w = widths[i] ?? 40;
      doc.text(c, x + CELL_PADDING, y + CELL_PADDING, { width: w - 2 * CELL_PADDING });
      x += w;
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
    const rows = items.map((item) => {
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
      return { cells: [item.label, status, item.detail, where || '(no reference)'], status: item.status };
    });
    const first = rows[0];
    this.tableHeader(columns, widths, first ? this.evidenceTexts(first.cells, widths).height : 0);
    for (const row of rows) this.evidenceRow(row.cells, widths, columns, row.status);
    this.doc.moveDown(0.4);
  }

  evidenceTexts(cells: string[], widths: number[]): { texts: string[]; height: number } {
    const { doc } = this;
    const texts = cells.map((c, i) => {
      doc.font(EVIDENCE_FONTS[i] ?? FONT.body).fontSize(EVIDENCE_SIZES[i] ?? TABLE_SIZE);
      return this.fit(c, (widths[i] ?? 40) - 2 * CELL_PADDING);
    });
    const heights = texts.map((c, i) => {
      doc.font(EVIDENCE_FONTS[i] ?? FONT.body).fontSize(EVIDENCE_SIZES[i] ?? TABLE_SIZE);
      return doc.heightOfString(c || ' ', { width: (widths[i] ?? 40) - 2 * CELL_PADDING });
    });
    return { texts, height: Math.max(...heights) + 2 * CELL_PADDING };
  }

  evidenceRow(cells: string[], widths: number[], columns: string[], status: EvidenceItem['status']): void {
    const { doc } = this;
    const { texts, height: h } = this.evidenceTexts(cells, widths);
    if (this.ensure(h)) this.tableHeader(columns, widths, h);
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
      const w = widths[i] ?? 40;
      doc
        .font(EVIDENCE_FONTS[i] ?? FONT.body)
        .fontSize(EVIDENCE_SIZES[i] ?? TABLE_SIZE)
        .fillColor(color)
        .text(c, x + CELL_PADDING, y + CELL_PADDING, { width: w - 2 * CELL_PADDING });
      x += w;
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
    this.caption(`Figure: ${chart.title}`);
    this.ensure(height + 4);
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

  /**
   * Widths of the record columns, which are streamed and so cannot be measured in advance: the first is a
   * timestamp, the last a ledger reference; the others are as wide as their header's longest word and
   * share the rest by their weights.
   */
  recordWidths(columns: string[], weights: number[] = []): number[] {
    const n = columns.length;
    const first = 108;
    const last = Math.min(110, this.width / 4);
    const middle = (i: number) => i > 0 && i < n - 1;
    this.doc.font(FONT.bold).fontSize(TABLE_SIZE);
    const minimum = columns.map((c, i) =>
      middle(i)
        ? Math.max(
            ...winAnsi(c)
              .split(/\s+/)
              .map((w) => this.doc.widthOfString(w)),
          ) +
          2 * CELL_PADDING +
          1
        : 0,
    );
    const weight = (i: number) => (middle(i) ? (weights[i] ?? 1) : 0);
    const totalWeight = columns.reduce((sum, _, i) => sum + weight(i), 0) || 1;
    const spare = Math.max(0, this.width - first - last - minimum.reduce((a, b) => a + b, 0));
    return columns.map((_, i) =>
      i === 0 ? first : i === n - 1 ? last : (minimum[i] ?? 0) + (spare * weight(i)) / totalWeight,
    );
  }

  /**
   * Column widths that fill the page width: every column at least as wide as its longest word (words are
   * never broken), the rest shared in proportion to each column's longest text.
   */
  fitWidths(columns: string[], rows: string[][]): number[] {
    const { doc } = this;
    const pad = 2 * CELL_PADDING + 1;
    const sample = rows.slice(0, 200);
    const minimum = columns.map((c, i) => {
      let longest = 0;
      const measureWords = (text: string, font: string) => {
        doc.font(font).fontSize(TABLE_SIZE);
        for (const token of winAnsi(text).split(/\s+/))
          if (isWord(token)) longest = Math.max(longest, doc.widthOfString(token));
      };
      measureWords(c, FONT.bold);
      for (const row of sample) measureWords(row[i] ?? '', FONT.body);
      return Math.max(longest + pad, 24);
    });
    doc.font(FONT.body).fontSize(TABLE_SIZE);
    const want = columns.map((c, i) => {
      let longest = doc.widthOfString(winAnsi(c));
      for (const row of sample) longest = Math.max(longest, doc.widthOfString(winAnsi(row[i] ?? '')));
      return Math.max(Math.min(longest + pad, 260), minimum[i] ?? 0);
    });
    const floor = minimum.reduce((a, b) => a + b, 0);
    const extra = want.reduce((a, b, i) => a + b - (minimum[i] ?? 0), 0);
    if (floor >= this.width || extra <= 0) return minimum.map((m) => (m * this.width) / floor);
    const share = Math.min(1, (this.width - floor) / extra);
    const widths = want.map((w, i) => (minimum[i] ?? 0) + (w - (minimum[i] ?? 0)) * share);
    const total = widths.reduce((a, b) => a + b, 0);
    return widths.map((w) => (w * this.width) / total);
  }
}

const EVIDENCE_FONTS = [FONT.body, FONT.bold, FONT.body, FONT.mono];
const EVIDENCE_SIZES = [8, 8, 8, 7];
