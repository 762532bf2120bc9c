/**
 * The fenced blocks of a Markdown file and the HTML comment that may stand on the line before each:
 * `<!-- expect-exit: N -->` (the block ends with exit code N), `<!-- not-run: REASON -->` (the block is
 * not run, for the reason given) or `<!-- sample-of: COMMAND -->` (the block shows what COMMAND prints).
 */
export interface MarkdownBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string of the fence: `sh`, `json`, `` for none. */
  lang: string;
  body: string;
  expectExit?: number;
  notRun?: string;
  sampleOf?: string;
}

const FENCE = /^```(\S*)\s*$/;
const MARKER = /^<!--\s*(expect-exit|not-run|sample-of):\s*(.*?)\s*-->$/;

export function markdownBlocks(markdown: string): MarkdownBlock[] {
  const lines = markdown.split('\n');
  const blocks: MarkdownBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i] ?? '');
    const block: MarkdownBlock = { line: start + 1, lang: open[1] ?? '', body: `${body.join('\n')}\n` };
    const marker = MARKER.exec(lines[start - 1] ?? '');
    if (marker?.[1] === 'expect-exit') block.expectExit = Number(marker[2]);
    if (marker?.[1] === 'not-run') block.notRun = marker[2];
    if (marker?.[1] === 'sample-of') block.sampleOf = marker[2];
    blocks.push(block);
  }
  return blocks;
}

export const isShell = (block: MarkdownBlock): boolean => ['sh', 'bash', 'shell'].includes(block.lang);

/** The string that stands for anything in a sample: a whole value, or part of a line or string. */
export const ELLIPSIS = /…|\.\.\./;

/**
 * Where `sample` (a shortened copy of real output) departs from `actual`, or undefined when it does not:
 * every key of a sample object is in the actual object with a matching value, in the same order; a
 * sample array matches element by element, a "…" element standing for any number of elements; in a
 * string, "…" or "..." stands for any text.
 */
export function sampleMismatch(sample: unknown, actual: unknown, path = '$'): string | undefined {
  if (typeof sample === 'string') {
    if (typeof actual !== 'string') return `${path}: ${JSON.stringify(actual)} is not a string`;
    return textMatches(sample, actual)
      ? undefined
      : `${path}: ${JSON.stringify(actual)} does not match ${JSON.stringify(sample)}`;
  }
  if (Array.isArray(sample)) {
    if (!Array.isArray(actual)) return `${path}: not an array`;
    return arrayMismatch(sample, actual, path);
  }
  if (sample !== null && typeof sample === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
      return `${path}: not an object`;
    const keys = Object.keys(sample);
    const order = Object.keys(actual).filter((key) => keys.includes(key));
    for (const key of keys) {
      if (!(key in actual)) return `${path}.${key}: missing`;
      const problem = sampleMismatch(
        (sample as Record<string, unknown>)[key],
        (actual as Record<string, unknown>)[key],
        `${path}.${key}`,
      );
      if (problem) return problem;
    }
    if (order.join() !== keys.join()) return `${path}: keys in the order ${order.join(', ')}`;
    return undefined;
  }
  return Object.is(sample, actual)
    ? undefined
    : `${path}: ${JSON.stringify(actual)} is not ${JSON.stringify(sample)}`;
}

function arrayMismatch(sample: unknown[], actual: unknown[], path: string): string | undefined {
  const [head, ...rest] = sample;
  if (sample.length === 0) return actual.length === 0 ? undefined : `${path}: ${actual.length} more elements`;
  if (head === '…') {
    for (let skip = 0; skip <= actual.length; skip++)
      if (!arrayMismatch(rest, actual.slice(skip), path)) return undefined;
    return `${path}: no elements match ${JSON.stringify(rest).slice(0, 200)}`;
  }
  if (actual.length === 0) return `${path}: fewer elements than the sample`;
  return sampleMismatch(head, actual[0], `${path}[]`) ?? arrayMismatch(rest, actual.slice(1), path);
}

function textMatches(sample: string, actual: string): boolean {
  if (!ELLIPSIS.test(sample)) return sample === actual;
  const pattern = sample
    .split(/…|\.\.\./)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`, 's').test(actual);
}

/** Where a text sample departs from real output: each sample line is matched, in order, by a line of `actual`. */
export function textSampleMismatch(sample: string, actual: string): string | undefined {
  const lines = actual.split('\n');
  let at = 0;
  for (const line of sample.trimEnd().split('\n')) {
    const found = lines.findIndex((candidate, i) => i >= at && textMatches(line, candidate));
    if (found < 0) return `no line of the output (after line ${at}) matches ${JSON.stringify(line)}`;
    at = found + 1;
  }
  return undefined;
}
