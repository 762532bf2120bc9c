/**
 * Decision streams for reports: a store read page by page (one page in memory at a time), narrowed to a
 * model and a period. Every stream here is re-iterable: each iteration reads again from the start.
 */
import type { Decision } from '../contracts/decision.ts';
import { type DecisionStore, MAX_PAGE_SIZE } from '../ports/decision-store.ts';
import { ReportInputError } from './errors.ts';

/** The part of the store's filter reports use: model group and version exact, `from` <= evaluatedAt < `to`. */
export interface DecisionFilter {
  model?: string;
  version?: string;
  from?: string;
  to?: string;
}

interface CompiledFilter {
  model?: string;
  version?: string;
  from: number;
  to: number;
}

function compile(filter: DecisionFilter): CompiledFilter {
  return {
    ...(filter.model !== undefined ? { model: filter.model } : {}),
    ...(filter.version !== undefined ? { version: filter.version } : {}),
    from: filter.from === undefined ? Number.NEGATIVE_INFINITY : parseTime(filter.from, 'from'),
    to: filter.to === undefined ? Number.POSITIVE_INFINITY : parseTime(filter.to, 'to'),
  };
}

export function parseTime(value: string, name: string): number {
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time))
    throw new ReportInputError(`${name}: not an ISO 8601 date or time: ${value}`);
  return time;
}

function matches(d: Decision, f: CompiledFilter): boolean {
  if (f.model !== undefined && d.subject.group !== f.model) return false;
  if (f.version !== undefined && d.subject.version !== f.version) return false;
  if (f.from !== Number.NEGATIVE_INFINITY || f.to !== Number.POSITIVE_INFINITY) {
    const t = Date.parse(d.evaluatedAt);
    if (!(t >= f.from && t < f.to)) return false;
  }
  return true;
}

/**
 * The store's decisions that pass `filter`, oldest first, read `MAX_PAGE_SIZE` at a time. The store filters;
 * the stream filters again, so a store that ignores a field cannot widen a report.
 */
export function storeDecisions(
  store: Pick<DecisionStore, 'list'>,
  filter: DecisionFilter = {},
): AsyncIterable<Decision> {
  const compiled = compile(filter);
  const storeFilter = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
  return {
    async *[Symbol.asyncIterator]() {
      let cursor: string | undefined;
      do {
        const page = await store.list({
          limit: MAX_PAGE_SIZE,
          order: 'asc',
          filter: storeFilter,
          ...(cursor ? { cursor } : {}),
        });
        for (const decision of page.decisions) if (matches(decision, compiled)) yield decision;
        cursor = page.nextCursor;
      } while (cursor);
    },
  };
}

/** A re-iterable stream over an array (tests, small fixtures). */
export function arrayDecisions(decisions: readonly Decision[]): AsyncIterable<Decision> {
  return {
    async *[Symbol.asyncIterator]() {
      yield* decisions;
    },
  };
}

/** Orders model versions: numerically when both are integers (SageMaker's are), else as text. */
export function compareVersions(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The latest version that has a decision in `source` (decisions of one model), and its package ARN. */
export async function latestVersion(
  source: AsyncIterable<Decision>,
): Promise<{ version: string; arn: string; group: string } | undefined> {
  let latest: { version: string; arn: string; group: string } | undefined;
  for await (const d of source) {
    if (!latest || compareVersions(d.subject.version, latest.version) > 0)
      latest = { version: d.subject.version, arn: d.subject.id, group: d.subject.group };
  }
  return latest;
}

/** Checks a stream is re-iterable: a generator object (which iterates once) is refused up front. */
export function assertReiterable(source: AsyncIterable<Decision>): void {
  const iterator = source[Symbol.asyncIterator]();
  const once = (iterator as unknown) === source;
  void iterator.return?.();
  if (once)
    throw new TypeError(
      'report decisions must be re-iterable (an object whose iterator restarts), not a generator',
    );
}
