/**
 * Lays a bar chart out as drawing primitives (rectangles, lines, text) in a fixed coordinate space, so
 * the HTML report (inline SVG) and the PDF report (pdfkit vector graphics) draw the same chart.
 */
import type { Chart } from '../report-model.ts';

export type Primitive =
  | { t: 'rect'; x: number; y: number; w: number; h: number; fill: string; title?: string }
  | { t: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: string; width: number }
  | {
      t: 'text';
      x: number;
      y: number;
      text: string;
      size: number;
      anchor: 'start' | 'middle' | 'end';
      fill: string;
      /** Degrees, counter-clockwise negative (as SVG rotate). */
      rotate?: number;
      bold?: boolean;
    };

export interface ChartLayout {
  width: number;
  height: number;
  primitives: Primitive[];
}

const AXIS = '#444444';
const GRID = '#dddddd';
const TEXT = '#222222';

/** A step of 1, 2 or 5 times a power of ten, near `raw`. */
function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

function formatTick(value: number, step: number): string {
  const decimals = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step)));
  const text = value.toFixed(decimals);
  return Math.abs(value) >= 10_000 && step >= 1 ? Number(text).toLocaleString('en-US') : text;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

export function layoutChart(chart: Chart, width = 720, height = 320): ChartLayout {
  const n = chart.categories.length;
  const rotated = n > 8 || chart.categories.some((c) => c.length > 90 / Math.max(n, 1));
  const left = 64;
  const right = 16;
  const top = 34;
  const bottom = rotated ? 96 : 40;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const p: Primitive[] = [];

  let min = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    if (chart.layout === 'stacked') {
      let positive = 0;
      for (const s of chart.series) positive += Math.max(0, s.values[i] ?? 0);
      max = Math.max(max, positive);
    } else {
      for (const s of chart.series) {
        const v = s.values[i] ?? 0;
        max = Math.max(max, v);
        min = Math.min(min, v);
      }
    }
  }
  if (max === min) max = min + 1;
  const nice = niceStep((max - min) / 5);
  // A count has no fractions: half a decision is not a tick.
  const step = chart.counts ? Math.max(1, nice) : nice;
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const y = (v: number) => top + plotH - ((v - lo) / (hi - lo)) * plotH;

  // Legend, left to right above the plot.
  let lx = left;
  for (const s of chart.series) {
    p.push({ t: 'rect', x: lx, y: 10, w: 10, h: 10, fill: s.color });
    p.push({ t: 'text', x: lx + 14, y: 19, text: s.name, size: 10, anchor: 'start', fill: TEXT });
    lx += 24 + s.name.length * 6;
  }

  // Grid lines and value ticks.
  for (let v = lo; v <= hi + step / 2; v += step) {
    const yy = y(v);
    p.push({ t: 'line', x1: left, y1: yy, x2: left + plotW, y2: yy, stroke: GRID, width: 0.5 });
    p.push({
      t: 'text',
      x: left - 6,
      y: yy + 3,
      text: formatTick(v, step),
      size: 9,
      anchor: 'end',
      fill: TEXT,
    });
  }
  p.push({
    t: 'text',
    x: 12,
    y: top + plotH / 2,
    text: chart.valueLabel,
    size: 9,
    anchor: 'middle',
    fill: TEXT,
    rotate: -90,
  });

  // Bars.
  const band = n ? plotW / n : plotW;
  const barW = band * 0.72;
  for (let i = 0; i < n; i++) {
    const x0 = left + i * band + (band - barW) / 2;
    const category = chart.categories[i] ?? '';
    if (chart.layout === 'stacked') {
      let acc = 0;
      for (const s of chart.series) {
        const v = Math.max(0, s.values[i] ?? 0);
        if (v === 0) continue;
        p.push({
          t: 'rect',
          x: x0,
          y: y(acc + v),
          w: barW,
          h: y(acc) - y(acc + v),
          fill: s.color,
          title: `${category}: ${s.name} ${v}`,
        });
        acc += v;
      }
    } else {
      const k = Math.max(1, chart.series.length);
      const w = barW / k;
      chart.series.forEach((s, j) => {
        const v = s.values[i] ?? 0;
        const y1 = y(Math.max(0, v));
        const y2 = y(Math.min(0, v));
        p.push({
          t: 'rect',
          x: x0 + j * w,
          y: y1,
          w: Math.max(w - 1, 0.5),
          h: Math.max(y2 - y1, 0.5),
          fill: s.color,
          title: `${category}: ${s.name} ${v}`,
        });
      });
    }
  }

  // Axes.
  p.push({ t: 'line', x1: left, y1: top, x2: left, y2: top + plotH, stroke: AXIS, width: 1 });
  p.push({ t: 'line', x1: left, y1: y(0), x2: left + plotW, y2: y(0), stroke: AXIS, width: 1 });

  // Category labels: every k-th when there are many, rotated when long or many.
  const every = Math.max(1, Math.ceil(n / 30));
  for (let i = 0; i < n; i += every) {
    const cx = left + (i + 0.5) * band;
    const label = chart.categories[i] ?? '';
    if (rotated)
      p.push({
        t: 'text',
        x: cx + 3,
        y: top + plotH + 10,
        text: truncate(label, 18),
        size: 8,
        anchor: 'end',
        fill: TEXT,
        rotate: -45,
      });
    else
      p.push({
        t: 'text',
        x: cx,
        y: top + plotH + 14,
        text: truncate(label, Math.max(4, Math.floor(band / 5.5))),
        size: 9,
        anchor: 'middle',
        fill: TEXT,
      });
  }
  return { width, height, primitives: p };
}

/** The chart's data as a table: the text alternative to the drawing. */
export function chartTable(chart: Chart): { columns: string[]; rows: string[][] } {
  return {
    columns: ['', ...chart.series.map((s) => s.name)],
    rows: chart.categories.map((c, i) => [c, ...chart.series.map((s) => String(s.values[i] ?? 0))]),
  };
}
