/**
 * HTML: one self-contained page (inline CSS, inline SVG charts, no scripts, no external assets), written
 * as it is built. Accessible: landmarks and a table of contents, every chart a titled and described image
 * in a figure with a caption and its data as a table, tables with captions and header cells.
 */
import type { Block, Chart, EvidenceItem, ReportDocument, ReportMeta, Tone } from '../report-model.ts';
import { chartTable, layoutChart, type Primitive } from './chart-layout.ts';
import { TextChunks } from './chunks.ts';
import { CHUNK, isWord, tokenPieces } from './line-breaks.ts';

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const e = escapeHtml;

/**
 * Escaped text with <wbr> where a long identifier (an ARN, a hash) may break (line-breaks.ts): with
 * `overflow-wrap: break-word` rather than `anywhere`, a table column is never squeezed below its longest
 * word, so words stay whole.
 */
function t(text: string): string {
  return text
    .split(/(\s+)/)
    .map((token) =>
      token.length > 2 * CHUNK && !isWord(token)
        ? tokenPieces(token).map(escapeHtml).join('<wbr>')
        : escapeHtml(token),
    )
    .join('');
}

const STYLE = `
:root{color-scheme:light;--fg:#1a1a1a;--muted:#555;--line:#d0d0d0;--bad:#9e1b1b;--missing:#8a4b00;--good:#1b5e20}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);margin:0 auto;max-width:1100px;padding:24px}
h1{font-size:1.6rem;margin:0 0 .5rem}h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:2px solid var(--line);padding-bottom:.2rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}
dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:break-word}
table{border-collapse:collapse;width:100%;margin:.75rem 0;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid var(--line);padding:.25rem .4rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f2f2f2}
tr.lines td{border-top:none;background:#fafafa;font-size:.85rem}
tr.lines ul{margin:0;padding-left:1.2rem}
figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.25rem}
svg.chart{width:100%;max-width:760px;height:auto;display:block}
.tone-missing{color:var(--missing);font-weight:600}.tone-bad{color:var(--bad)}.tone-note{color:var(--muted)}.tone-good{color:var(--good)}
.status{display:inline-block;min-width:6.5rem;font-weight:700}
.status-present{color:var(--good)}.status-missing,.status-partial{color:var(--missing)}
code,.hash{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;overflow-wrap:break-word}
nav ol{columns:2;list-style:none;padding-left:0}
footer{margin-top:2rem;color:var(--muted);font-size:.85rem;border-top:1px solid var(--line);padding-top:.5rem}
@media print{nav{display:none}h1,h2,figcaption{break-after:avoid}tr,figure,dl.facts,table:not(.records){break-inside:avoid}caption{break-after:avoid}thead{display:table-header-group}tbody>tr:first-child{break-before:avoid}}
`;

export async function* renderHtml(doc: ReportDocument): AsyncGenerator<string> {
  const out = new TextChunks();
  const { meta } = doc;
  out.push(
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
      `<meta name="generator" content="${e(`${meta.generator.name} ${meta.generator.version}`)}">\n` +
      `<title>${e(meta.title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n`,
  );
  out.push(`<header>\n<h1>${e(meta.title)}</h1>\n${facts(metaRows(meta))}</header>\n`);
  out.push(
    `<nav aria-label="Contents"><h2 id="contents">Contents</h2><ol>${doc.sections
      .map((s) => `<li><a href="#${e(s.id)}">${e(s.heading)}</a></li>`)
      .join('')}</ol></nav>\n<main>\n`,
  );
  for (const section of doc.sections) {
    out.push(
      `<section id="${e(section.id)}" aria-labelledby="h-${e(section.id)}">\n<h2 id="h-${e(section.id)}">${e(section.heading)}</h2>\n`,
    );
    for (const block of section.blocks) {
      if (block.kind !== 'records') {
        out.push(renderBlock(block));
        continue;
      }
      const columns = doc.records.viewColumns;
      out.push(
        `<table class="records">\n<caption>${e(block.caption)} (${doc.records.total.toLocaleString('en-US')})</caption>\n` +
          `<thead><tr>${columns.map((c) => `<th scope="col">${e(c)}</th>`).join('')}</tr></thead>\n<tbody>\n`,
      );
      for await (const record of doc.records.items()) {
        const { cells, lines } = record.view;
        out.push(
          `<tr>${cells.map((c, i) => `<td${i === cells.length - 1 ? ' class="hash"' : ''}>${t(c)}</td>`).join('')}</tr>\n`,
        );
        if (lines.length)
          out.push(
            `<tr class="lines"><td colspan="${columns.length}"><ul>${lines
              .map((l) => `<li${toneClass(l.tone)}>${t(l.text)}</li>`)
              .join('')}</ul></td></tr>\n`,
          );
        if (out.full) yield out.take();
      }
      out.push('</tbody>\n</table>\n');
    }
    out.push('</section>\n');
    if (out.full) yield out.take();
  }
  out.push(
    `</main>\n<footer><p>Generated by ${e(meta.generator.name)} ${e(meta.generator.version)} at ${e(meta.generatedAt)}. ` +
      `Its signed manifest is the file next to it with the suffix <code>.manifest</code>; check both with ` +
      `<code>npx verdict report verify FILE</code>.</p></footer>\n</body>\n</html>\n`,
  );
  yield out.take();
}

export function metaRows(meta: ReportMeta): [string, string][] {
  const params = Object.entries(meta.parameters).map(([k, v]) => `${k}=${String(v)}`);
  return [
    ['Report', `${meta.type} (${meta.format})`],
    ['Parameters', params.length ? params.join(', ') : '(none)'],
    ['Generated', meta.generatedAt],
    ['Generator', `${meta.generator.name} ${meta.generator.version}`],
    [
      'Ledger checkpoint',
      meta.checkpoint
        ? `${meta.checkpoint.text.split('\n')[0]} size ${meta.checkpoint.size}, root ${meta.checkpoint.root}`
        : '(no ledger checkpoint available)',
    ],
  ];
}

function toneClass(tone: Tone | undefined): string {
  return tone && tone !== 'normal' ? ` class="tone-${tone}"` : '';
}

function facts(rows: [string, string][]): string {
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${e(k)}</dt><dd>${t(v)}</dd>`).join('')}</dl>\n`;
}

function table(caption: string, columns: string[], rows: string[][]): string {
  return (
    `<table>\n<caption>${e(caption)}</caption>\n<thead><tr>${columns.map((c) => `<th scope="col">${e(c)}</th>`).join('')}</tr></thead>\n<tbody>\n` +
    rows
      .map(
        (r) =>
          `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${t(c)}</th>` : `<td>${t(c)}</td>`)).join('')}</tr>\n`,
      )
      .join('') +
    '</tbody>\n</table>\n'
  );
}

function renderBlock(block: Exclude<Block, { kind: 'records' }>): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p${toneClass(block.tone)}>${t(block.text)}</p>\n`;
    case 'facts':
      return facts(block.rows);
    case 'table':
      return table(block.caption, block.columns, block.rows);
    case 'chart':
      return figure(block.chart);
    case 'evidence':
      return evidence(block.items);
  }
}

function evidence(items: EvidenceItem[]): string {
  const rows = items.map((i) => {
    const refs = i.refs
      .map((r) =>
        [
          r.ledgerIndex !== undefined ? `ledger entry #${r.ledgerIndex}` : '',
          r.entryHash ? `<span class="hash">${t(r.entryHash)}</span>` : '',
          r.source ? `<span class="hash">${t(r.source)}</span>` : '',
        ]
          .filter(Boolean)
          .join(' '),
      )
      .join('<br>');
    const label =
      i.status === 'missing'
        ? 'MISSING'
        : i.status === 'partial'
          ? 'PARTIAL'
          : i.status === 'present'
            ? 'present'
            : 'n/a';
    return `<tr><th scope="row">${e(i.label)}</th><td><span class="status status-${i.status}">${label}</span></td><td>${t(i.detail)}</td><td>${refs || '<span class="tone-note">(no reference)</span>'}</td></tr>\n`;
  });
  return `<table class="evidence">\n<caption>Evidence</caption>\n<thead><tr><th scope="col">evidence</th><th scope="col">status</th><th scope="col">detail</th><th scope="col">where</th></tr></thead>\n<tbody>\n${rows.join('')}</tbody>\n</table>\n`;
}

function figure(chart: Chart): string {
  const { width, height, primitives } = layoutChart(chart);
  const id = e(chart.id);
  const data = chartTable(chart);
  return (
    `<figure id="fig-${id}" aria-labelledby="cap-${id}">\n<figcaption id="cap-${id}">${e(chart.title)}</figcaption>\n` +
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="t-${id} d-${id}">` +
    `<title id="t-${id}">${e(chart.title)}</title><desc id="d-${id}">${e(chart.description)}</desc>` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>` +
    primitives.map(svg).join('') +
    '</svg>\n' +
    `<p class="tone-note">${e(chart.description)}</p>\n` +
    (chart.dataTable === false
      ? ''
      : `<details><summary>Data table: ${e(chart.title)}</summary>\n${table(`${chart.title} (data)`, data.columns, data.rows)}</details>\n`) +
    '</figure>\n'
  );
}

const n = (v: number) => (Math.round(v * 100) / 100).toString();

function svg(p: Primitive): string {
  switch (p.t) {
    case 'rect':
      return `<rect x="${n(p.x)}" y="${n(p.y)}" width="${n(p.w)}" height="${n(p.h)}" fill="${p.fill}">${p.title ? `<title>${e(p.title)}</title>` : ''}</rect>`;
    case 'line':
      return `<line x1="${n(p.x1)}" y1="${n(p.y1)}" x2="${n(p.x2)}" y2="${n(p.y2)}" stroke="${p.stroke}" stroke-width="${p.width}"/>`;
    case 'text':
      return `<text x="${n(p.x)}" y="${n(p.y)}" font-size="${p.size}" text-anchor="${p.anchor}" fill="${p.fill}"${p.bold ? ' font-weight="bold"' : ''}${p.rotate ? ` transform="rotate(${p.rotate} ${n(p.x)} ${n(p.y)})"` : ''} font-family="Helvetica, Arial, sans-serif">${e(p.text)}</text>`;
  }
}
