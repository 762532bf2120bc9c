/**
 * The external tools the report tests render with. A missing tool fails the test with how to get it, never
 * a silent skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { inflateSync } from 'node:zlib';

export const CHROMIUM = '/usr/bin/chromium';

export function requireTool(name: 'pdftotext' | 'pdftoppm' | 'chromium'): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path)
    throw new Error(
      `${name} is not installed: \`npm run setup\` installs it (scripts/setup.sh: poppler-utils and chromium)`,
    );
  return path;
}

export function pdfText(file: string): string {
  requireTool('pdftotext');
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

export interface WordBox {
  page: number;
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** Every word of the PDF with its bounding box in points, from `pdftotext -bbox`. */
export function pdfWordBoxes(file: string): WordBox[] {
  requireTool('pdftotext');
  const html = execFileSync('pdftotext', ['-bbox', file, '-'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const boxes: WordBox[] = [];
  const pages = html.split('<page ').slice(1);
  pages.forEach((page, index) => {
    for (const m of page.matchAll(
      /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
    )) {
      const [, xMin, yMin, xMax, yMax, text] = m;
      boxes.push({
        page: index + 1,
        text: text ?? '',
        xMin: +(xMin ?? 0),
        yMin: +(yMin ?? 0),
        xMax: +(xMax ?? 0),
        yMax: +(yMax ?? 0),
      });
    }
  });
  return boxes;
}

/** Pairs of words on one page whose boxes overlap by more than `tolerance` points in both directions. */
export function overlappingWords(boxes: readonly WordBox[], tolerance = 0.5): [WordBox, WordBox][] {
  const overlaps: [WordBox, WordBox][] = [];
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i] as WordBox;
    for (let j = i + 1; j < boxes.length; j++) {
      const b = boxes[j] as WordBox;
      if (a.page !== b.page) continue;
      const dx = Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin);
      const dy = Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin);
      if (dx > tolerance && dy > tolerance) overlaps.push([a, b]);
    }
  }
  return overlaps;
}

/** Renders every page to PNG at 50 dpi; returns the PNG files in page order. */
export function pdfPages(file: string): string[] {
  requireTool('pdftoppm');
  const dir = mkdtempSync(join(tmpdir(), 'verdict-pdf-pages-'));
  execFileSync('pdftoppm', ['-png', '-r', '50', file, join(dir, 'page')]);
  const listing = execFileSync('ls', [dir], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  return listing.sort().map((f) => join(dir, f));
}

/** Counts non-white pixels of an 8-bit RGB/RGBA/grey PNG (enough of a decoder for pdftoppm's output). */
export function inkedPixels(png: Buffer): { width: number; height: number; inked: number } {
  if (png.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8];
      const colour = data[9];
      if (depth !== 8) throw new Error(`bit depth ${depth} not supported`);
      channels = colour === 2 ? 3 : colour === 6 ? 4 : colour === 0 ? 1 : colour === 4 ? 2 : 0;
      if (!channels) throw new Error(`colour type ${colour} not supported`);
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  let previous = Buffer.alloc(stride);
  let inked = 0;
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? (line[i - channels] ?? 0) : 0;
      const b = previous[i] ?? 0;
      const c = i >= channels ? (previous[i - channels] ?? 0) : 0;
      const x = line[i] ?? 0;
      let v = x;
      if (filter === 1) v = x + a;
      else if (filter === 2) v = x + b;
      else if (filter === 3) v = x + ((a + b) >> 1);
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
      line[i] = v & 0xff;
    }
    for (let px = 0; px < width; px++) {
      const colourChannels = channels >= 3 ? 3 : 1;
      for (let k = 0; k < colourChannels; k++)
        if ((line[px * channels + k] ?? 255) < 200) {
          inked++;
          break;
        }
    }
    previous = line;
  }
  return { width, height, inked };
}

/** A sink that keeps nothing: counts bytes. */
export class CountingSink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    callback();
  }
}

/** A sink that keeps everything (small reports). */
export class BufferSink extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    callback();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
