/**
 * `verdict bias`: post-training bias metrics of a binary classifier, from confusion counts, from a
 * CSV / JSON Lines file of any size (streamed), or from a SageMaker Clarify report.
 *
 * One comparison (a sensitive group against its reference) prints one object:
 *   {"selectionRate": {"reference", "sensitive"}, "DPPL", "DI", "DCAcc", "DCR", "RD", "DAR", "DRR", "AD",
 *    "TE", "demographicParityDifference", "demographicParityRatio", "equalOpportunityDifference",
 *    "equalizedOddsDifference", "fourFifths": {"ratio", "adverseImpact"}, "notes"?}
 * Several (a facet with more than two values, several --sensitive values, a counts file with `groups`)
 * print {"facet"?, "reference": value | null, "groups": {value: <one comparison>}, "overall": {...}},
 * where `overall` is Fairlearn's worst case and the four-fifths rule between all the facet's values.
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { clarifyMetrics } from '../../gates/bias/clarify-metrics.ts';
import { parseClarifyReport } from '../../gates/bias/clarify-report.ts';
import { GroupSelectionError, UnknownLabelError } from '../../gates/bias/errors.ts';
import { compareGroups } from '../../gates/bias/groups.ts';
import { type ConfusionCounts, type PairMetrics, pairMetrics, total } from '../../gates/bias/metrics.ts';
import { COUNT_FORMATS, type CountFormat, countFile } from '../../gates/bias/stream-counter.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { UsageError } from './exit-codes.ts';
import { collect, flagName } from './options.ts';
import { readJsonFile } from './read-json-file.ts';

interface BiasOptions {
  counts?: string;
  data?: string;
  clarify?: string;
  label?: string;
  prediction?: string;
  facet?: string;
  sensitive: string[];
  reference?: string;
  positive?: string;
  negative?: string[];
  format?: CountFormat;
}

export function registerBiasCommand(program: Command): void {
  program
    .command('bias')
    .description(COMMAND_SUMMARIES.bias)
    .option('--counts <file>', 'confusion counts: {"reference": {TP, FP, FN, TN}, "sensitive": {...}} (JSON)')
    .option(
      '--data <file>',
      'rows with label, prediction and facet columns: CSV, TSV or JSON Lines (.gz too)',
    )
    .option('--clarify <file>', 'a SageMaker Clarify bias report (analysis.json)')
    .option('--label <column>', 'with --data: the observed label column')
    .option('--prediction <column>', 'with --data: the predicted label column')
    .option('--facet <column>', 'with --data: the facet column; with --clarify: only this facet')
    .option(
      '--sensitive <value>',
      'the sensitive facet value (repeatable); default: every value but the reference',
      collect,
      [],
    )
    .option('--reference <value>', 'with --data: the reference facet value; default: every other value')
    .option(
      '--positive <value>',
      'with --data: the positive label and prediction value (default: 1, true or yes)',
    )
    .option(
      '--negative <value>',
      'with --data: a negative label and prediction value, repeatable (default: 0, false or no); any other value is an error',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--format <format>', 'with --data: csv, tsv or jsonl (default: by extension, else sniffed)')
    .addHelpText(
      'after',
      [
        '',
        'One sensitive value prints one object; several print {"reference", "groups": {value: ...}, "overall"}.',
        'An infinite metric prints as "Infinity", an undefined one (0/0) as null with a reason in "notes".',
        'Exit codes: 0 metrics printed, 2 bad input or usage (with what and where), 1 internal error.',
      ].join('\n'),
    )
    .action(async (options: BiasOptions) => {
      const result = await biasMetrics(options);
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    });
}

async function biasMetrics(options: BiasOptions): Promise<unknown> {
  const sources = (['counts', 'data', 'clarify'] as const).filter((k) => options[k] !== undefined);
  if (sources.length !== 1)
    throw new UsageError(
      sources.length === 0
        ? 'bias: give one of --counts FILE, --data FILE or --clarify FILE'
        : `bias: give only one of ${sources.map((s) => `--${s}`).join(', ')}`,
    );
  if (options.counts !== undefined) {
    const dataOnly = ['label', 'prediction', 'facet', 'reference', 'positive', 'negative', 'format'] as const;
    const stray = [
      ...(options.sensitive.length ? ['sensitive'] : []),
      ...dataOnly.filter((o) => options[o] !== undefined),
    ];
    if (stray.length)
      throw new UsageError(
        `bias --counts: ${stray.map((o) => `--${o}`).join(', ')} apply to --data or --clarify`,
      );
  }
  try {
    if (options.counts !== undefined) return fromCounts(options.counts);
    if (options.data !== undefined) return await fromData(options.data, options);
    return fromClarify(options.clarify as string, options);
  } catch (error) {
    if (error instanceof GroupSelectionError) throw new UsageError(`bias: ${error.message}`);
    if (error instanceof UnknownLabelError) throw error.worded(flagName);
    throw error;
  }
}

// --- --counts --------------------------------------------------------------------------------------------

const COUNT_KEYS = ['TP', 'FP', 'FN', 'TN'] as const;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => (v === undefined ? 'missing' : JSON.stringify(v));

/** One count: a non-negative integer, or a string of decimal digits (for counts above 2^53). */
function count(value: unknown, where: string, problems: string[]): bigint {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) problems.push(`${where}: ${value} is not an integer`);
    else if (value < 0) problems.push(`${where}: ${value} is negative`);
    else if (!Number.isSafeInteger(value))
      problems.push(`${where}: ${value} is above 2^53 and not exact in JSON; give it as a string of digits`);
    else return BigInt(value);
  } else if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  else if (typeof value === 'string' && /^-\d+$/.test(value)) problems.push(`${where}: ${value} is negative`);
  else problems.push(`${where}: ${show(value)} is not a count (a non-negative integer)`);
  return 0n;
}

function confusion(value: unknown, where: string, problems: string[]): ConfusionCounts {
  if (!isObject(value)) {
    problems.push(
      value === undefined ? `${where}: missing` : `${where}: ${show(value)} is not {"TP", "FP", "FN", "TN"}`,
    );
    return { TP: 0n, FP: 0n, FN: 0n, TN: 0n };
  }
  for (const key of Object.keys(value))
    if (!(COUNT_KEYS as readonly string[]).includes(key))
      problems.push(`${where}: unknown key ${JSON.stringify(key)} (expected TP, FP, FN, TN)`);
  const before = problems.length;
  const [TP, FP, FN, TN] = COUNT_KEYS.map((k) => count(value[k], `${where}.${k}`, problems)) as [
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  const counts = { TP, FP, FN, TN };
  if (problems.length === before && total(counts) === 0n)
    problems.push(`${where}: the group is empty (TP + FP + FN + TN = 0)`);
  return counts;
}

function fromCounts(path: string): unknown {
  const json = readJsonFile(path, 'counts');
  const problems: string[] = [];
  const fail = () =>
    new UsageError(
      `counts ${path}: expected {"reference": {"TP", "FP", "FN", "TN"}, "sensitive": {...}} or {"groups": {"<value>": {...}}, "reference"?: "<value>"}`,
      problems,
    );
  if (!isObject(json)) throw fail();
  if ('groups' in json) {
    for (const key of Object.keys(json))
      if (key !== 'groups' && key !== 'reference') problems.push(`unknown key ${JSON.stringify(key)}`);
    if (json.reference !== undefined && typeof json.reference !== 'string')
      problems.push(
        `reference: ${show(json.reference)} is not a group name (with "groups", the reference names one)`,
      );
    if (!isObject(json.groups)) problems.push(`groups: ${show(json.groups)} is not an object`);
    const groups = isObject(json.groups) ? Object.entries(json.groups) : [];
    if (isObject(json.groups) && groups.length < 2) problems.push('groups: at least two groups are needed');
    const byValue = new Map(groups.map(([v, c]) => [v, confusion(c, `groups.${v}`, problems)]));
    if (problems.length) throw fail();
    return compareGroups(byValue, { reference: json.reference as string | undefined });
  }
  for (const key of Object.keys(json))
    if (key !== 'reference' && key !== 'sensitive') problems.push(`unknown key ${JSON.stringify(key)}`);
  const reference = confusion(json.reference, 'reference', problems);
  const sensitive = confusion(json.sensitive, 'sensitive', problems);
  if (problems.length) throw fail();
  return pairMetrics(reference, sensitive);
}

// --- --data ----------------------------------------------------------------------------------------------

const REST = '\u0000rest';

async function fromData(path: string, options: BiasOptions): Promise<unknown> {
  const missing = (['label', 'prediction', 'facet'] as const).filter((k) => !options[k]);
  if (missing.length)
    throw new UsageError(`bias --data: missing ${missing.map((m) => `--${m} COLUMN`).join(', ')}`);
  if (options.format !== undefined && !(COUNT_FORMATS as readonly string[]).includes(options.format))
    throw new UsageError(`bias --data: --format ${options.format}: expected csv, tsv or jsonl`);
  try {
    if (!statSync(path).isFile()) throw new UsageError(`data ${path}: not a file`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `data ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const { sensitive, reference } = options;
  const facet = options.facet as string;
  const spec = {
    label: options.label as string,
    prediction: options.prediction as string,
    facet,
    positive: options.positive,
    negative: options.negative,
  };
  if (sensitive.length === 1) {
    const [value] = sensitive as [string];
    if (value === reference)
      throw new UsageError(`bias: ${JSON.stringify(value)} is both sensitive and reference`);
    // Two groups whatever the facet holds: memory does not grow with the number of facet values.
    const group =
      reference === undefined
        ? (v: string) => (v === value ? value : REST)
        : (v: string) => (v === value || v === reference ? v : undefined);
    const { byGroup } = await countFile(path, { ...spec, group }, options.format);
    const d = byGroup.get(value);
    const a = byGroup.get(reference ?? REST);
    if (!d) throw new UsageError(`data ${path}: no row has ${facet} = ${JSON.stringify(value)}`);
    if (!a)
      throw new UsageError(
        reference === undefined
          ? `data ${path}: every row has ${facet} = ${JSON.stringify(value)}: there is no reference group`
          : `data ${path}: no row has ${facet} = ${JSON.stringify(reference)}`,
      );
    return pairMetrics(a, d);
  }
  const { byGroup } = await countFile(path, spec, options.format);
  if (byGroup.size < 2)
    throw new UsageError(
      `data ${path}: column ${facet} has one value only (${JSON.stringify([...byGroup.keys()][0])}): nothing to compare`,
    );
  return {
    facet,
    ...compareGroups(byGroup, { sensitive: sensitive.length ? sensitive : undefined, reference }),
  };
}

// --- --clarify -------------------------------------------------------------------------------------------

function fromClarify(path: string, options: BiasOptions): unknown {
  for (const option of ['label', 'prediction', 'reference', 'positive', 'negative', 'format'] as const)
    if (options[option] !== undefined)
      throw new UsageError(`bias --clarify: --${option} applies to --data only`);
  // readJsonFile says which file and where when it is missing or not JSON; the parser checks the shape.
  const json = readJsonFile(path, 'clarify report');
  const evidence = parseClarifyReport(new TextEncoder().encode(JSON.stringify(json)), path);
  let facets: [string, Record<string, PairMetrics>][] = Object.entries(clarifyMetrics(evidence));
  if (options.facet !== undefined) {
    facets = facets.filter(([f]) => f === options.facet);
    if (!facets.length)
      throw new UsageError(
        `clarify report ${path}: no facet ${JSON.stringify(options.facet)} (facets: ${Object.keys(evidence.facets).join(', ')})`,
      );
  }
  if (options.sensitive.length) {
    const wanted = new Set(options.sensitive);
    facets = facets
      .map(([f, groups]): [string, Record<string, PairMetrics>] => [
        f,
        Object.fromEntries(Object.entries(groups).filter(([v]) => wanted.has(v))),
      ])
      .filter(([, groups]) => Object.keys(groups).length > 0);
    if (!facets.length)
      throw new UsageError(
        `clarify report ${path}: no facet value ${options.sensitive.map((s) => JSON.stringify(s)).join(' or ')}`,
      );
  }
  if (!facets.length) throw new UsageError(`clarify report ${path}: no facets`);
  const shaped = facets.map(([f, groups]) => [f, { reference: null, groups }] as const);
  if (shaped.length === 1) {
    const [facet, { groups }] = shaped[0] as (typeof shaped)[number];
    const values = Object.values(groups);
    if (values.length === 1) return values[0];
    return { facet, reference: null, groups };
  }
  return { facets: Object.fromEntries(shaped) };
}
