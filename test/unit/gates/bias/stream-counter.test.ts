/**
 * The streaming counter: exact counts from CSV, TSV and JSON Lines (plain or gzip), the positive-value
 * rules, errors that name the row, and (fast-check) that the streamed counts equal counts made in
 * memory whatever the data and however the bytes are cut into chunks.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { UnknownLabelError } from '../../../../functions/gates/bias/errors.ts';
import type { ConfusionCounts } from '../../../../functions/gates/bias/metrics.ts';
import {
  type CountResult,
  type CountSpec,
  countCsv,
  countFile,
  countJsonl,
} from '../../../../functions/gates/bias/stream-counter.ts';
import { InvalidInputError } from '../../../../functions/shared/validation.ts';

const dir = mkdtempSync(join(tmpdir(), 'verdict-bias-counter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const SPEC: CountSpec = { label: 'y', prediction: 'yhat', facet: 'sex' };
const c = (TP: number, FP: number, FN: number, TN: number): ConfusionCounts => ({
  TP: BigInt(TP),
  FP: BigInt(FP),
  FN: BigInt(FN),
  TN: BigInt(TN),
});
const asObject = (r: CountResult) => Object.fromEntries(r.byGroup);

async function problemOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).problems.join('\n');
  }
  throw new Error('expected an InvalidInputError');
}

const CSV = [
  'id,y,yhat,sex',
  '1,1,1,f',
  '2,1,0,f',
  '3,0,1,m',
  '4,0,0,m',
  '5,1,1,m',
  '6,true,TRUE,f',
  '',
].join('\n');

describe('countFile', () => {
  it('counts a CSV file per facet value', async () => {
    const r = await countFile(file('a.csv', CSV), SPEC);
    expect(asObject(r)).toEqual({ f: c(2, 0, 1, 0), m: c(1, 1, 0, 1) });
    expect(r.rows).toBe(6);
  });

  it('counts the same rows from TSV, JSON Lines, gzip, CRLF and a byte-order mark', async () => {
    const expected = { f: c(2, 0, 1, 0), m: c(1, 1, 0, 1) };
    const tsv = CSV.replaceAll(',', '\t');
    const rows = CSV.trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','))
      .map(([id, y, yhat, sex]) => ({ id: Number(id), y: y === 'true' ? true : Number(y), yhat, sex }));
    const jsonl = rows.map((r) => JSON.stringify(r)).join('\n');
    for (const [name, content] of [
      ['b.tsv', tsv],
      ['b.jsonl', jsonl],
      ['b.csv.gz', gzipSync(CSV)],
      ['b.jsonl.gz', gzipSync(jsonl)],
      ['crlf.csv', CSV.replaceAll('\n', '\r\n')],
      ['bom.csv', `\uFEFF${CSV}`],
      ['bom.jsonl', `\uFEFF${jsonl}\n\n`],
      ['sniffed-jsonl.data', jsonl],
      ['sniffed-tsv.data', tsv],
    ] as const) {
      expect(asObject(await countFile(file(name, content), SPEC)), name).toEqual(expected);
    }
  });

  it('JSON Lines: 1, true and yes are positive by default, 0, false and no negative, numbers as numbers', async () => {
    const rows = [
      { y: 1, yhat: true, sex: 'f' },
      { y: '1', yhat: 'true', sex: 'f' },
      { y: 'TRUE', yhat: 'yes', sex: 'f' },
      { y: 1.0, yhat: 'No', sex: 'f' },
      { y: 0, yhat: '0.0', sex: 1 },
    ];
    const r = await countFile(file('p.jsonl', rows.map((x) => JSON.stringify(x)).join('\n')), SPEC);
    expect(asObject(r)).toEqual({ f: c(3, 0, 1, 0), 1: c(0, 0, 0, 1) });
  });

  it('reads 1.0, yes and no the same in CSV and JSON Lines', async () => {
    const csv = 'y,yhat,sex\n1.0,yes,f\n0.0,no,f\n1,No,m\n0,1.0,m\n';
    const jsonl = [
      { y: 1.0, yhat: 'yes', sex: 'f' },
      { y: 0.0, yhat: 'no', sex: 'f' },
      { y: 1, yhat: 'No', sex: 'm' },
      { y: '0', yhat: 1, sex: 'm' },
    ]
      .map((x) => JSON.stringify(x))
      .join('\n');
    const expected = { f: c(1, 0, 0, 1), m: c(0, 1, 1, 0) };
    expect(asObject(await countFile(file('same.csv', csv), SPEC))).toEqual(expected);
    expect(asObject(await countFile(file('same.jsonl', jsonl), SPEC))).toEqual(expected);
  });

  it('refuses a value that is neither positive nor a known negative, naming the row', async () => {
    const unknown = countFile(file('bad.csv', 'y,yhat,sex\n1,0,f\n2,0,f\n'), SPEC);
    await expect(unknown).rejects.toMatchObject({
      code: 'bias.data_invalid',
      problems: [
        expect.stringMatching(
          /bad\.csv: row 2: column "y" "2" is neither the positive value \("1", "true" or "yes"\) nor a known negative \("0", "false" or "no"\); name the values with positive and negative$/,
        ),
      ],
    });
    // In domain words; the command line names the settings by its flags.
    const error = await unknown.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownLabelError);
    expect((error as UnknownLabelError).worded((field) => `--${field}`).problems[0]).toMatch(
      /; name the values with --positive and --negative$/,
    );
    await expect(
      countFile(file('bad.jsonl', '{"y": "maybe", "yhat": 1, "sex": "f"}\n'), SPEC),
    ).rejects.toMatchObject({
      problems: [expect.stringContaining('row 1 (line 1): field "y" "maybe" is neither')],
    });
    // Mapped by the caller: then it is read.
    const mapped = await countFile(file('mapped.csv', 'y,yhat,sex\n2,0,f\n'), {
      ...SPEC,
      negative: ['2', '0'],
    });
    expect(asObject(mapped)).toEqual({ f: c(0, 0, 0, 1) });
  });

  it('--positive names the positive value', async () => {
    const csv = 'y,yhat,sex\nhired,hired,f\nhired,rejected,f\nrejected,hired,m\nrejected,rejected,m\n';
    const r = await countFile(file('pos.csv', csv), { ...SPEC, positive: 'hired', negative: ['rejected'] });
    expect(asObject(r)).toEqual({ f: c(1, 0, 1, 0), m: c(0, 1, 0, 1) });
    const jsonl = '{"y": 2, "yhat": 2.0, "sex": "f"}\n{"y": "2", "yhat": 1, "sex": "f"}\n';
    expect(
      asObject(await countFile(file('pos.jsonl', jsonl), { ...SPEC, positive: '2', negative: ['1'] })),
    ).toEqual({ f: c(1, 0, 1, 0) });
  });

  it('groups facet values through the group function and skips those it drops', async () => {
    const csv = 'y,yhat,sex\n1,1,f\n1,1,m\n1,1,x\n0,0,x\n';
    const rest = await countFile(file('g.csv', csv), { ...SPEC, group: (v) => (v === 'f' ? 'f' : 'rest') });
    expect(asObject(rest)).toEqual({ f: c(1, 0, 0, 0), rest: c(2, 0, 0, 1) });
    const two = await countFile(file('g.csv', csv), { ...SPEC, group: (v) => (v === 'x' ? undefined : v) });
    expect(asObject(two)).toEqual({ f: c(1, 0, 0, 0), m: c(1, 0, 0, 0) });
    expect(two.skipped).toBe(2);
  });

  it('keeps quoted commas, quotes and newlines inside a facet value', async () => {
    const csv = 'y,yhat,sex\n1,1,"a, ""b""\nc"\n0,0,"a, ""b""\nc"\n';
    expect(asObject(await countFile(file('q.csv', csv), SPEC))).toEqual({ 'a, "b"\nc': c(1, 0, 0, 1) });
  });
});

describe('bad data: what and where', () => {
  const cases: [string, string, string][] = [
    ['empty.csv', '', 'empty.csv: empty file (no header row)'],
    ['header-only.csv', 'y,yhat,sex\n', 'header-only.csv: no data rows after the header'],
    ['unknown.csv', 'y,yhat,gender\n1,1,f\n', 'unknown.csv: no column "sex" in the header'],
    [
      'twice.csv',
      'y,yhat,sex,sex\n1,1,f,f\n',
      'twice.csv: column "sex" appears more than once in the header',
    ],
    ['empty-value.csv', 'y,yhat,sex\n1,1,f\n1,,f\n', 'empty-value.csv: row 2: column "yhat" is empty'],
    ['short.csv', 'y,yhat,sex\n1,1,f\n1,1,f\n1,1\n', 'short.csv: row 3 (line 4): Invalid Record Length'],
    ['quote.csv', 'y,yhat,sex\n1,1,"f\n', 'quote.csv: row 1 (line 2): Quote Not Closed'],
    ['empty.jsonl', '\n\n', 'empty.jsonl: no rows (empty file)'],
    ['bad.jsonl', '{"y":1,"yhat":1,"sex":"f"}\n\n{"y":1,', 'bad.jsonl: row 2 (line 3): not JSON'],
    ['array.jsonl', '[1,2]\n', 'array.jsonl: row 1 (line 1): not a JSON object'],
    [
      'missing.jsonl',
      '{"y":1,"yhat":1,"sex":"f"}\n{"y":1,"sex":"f"}',
      'missing.jsonl: row 2 (line 2): no field "yhat"',
    ],
    [
      'null.jsonl',
      '{"y":null,"yhat":1,"sex":"f"}',
      'null.jsonl: row 1 (line 1): field "y" is null, not a string',
    ],
    ['object.jsonl', '{"y":1,"yhat":1,"sex":{"a":1}}', 'field "sex" is an object, not a string'],
    ['blank.jsonl', '{"y":1,"yhat":"","sex":"f"}', 'blank.jsonl: row 1 (line 1): field "yhat" is empty'],
  ];
  for (const [name, content, message] of cases) {
    it(`${name}: ${message}`, async () => {
      expect(await problemOf(countFile(file(name, content), SPEC))).toContain(message);
    });
  }

  it('a missing column lists the header it found', async () => {
    const problem = await problemOf(countFile(file('h.csv', 'a,b\n1,2\n'), SPEC));
    expect(problem).toBe(
      [
        `${dir}/h.csv: no column "y" in the header`,
        `${dir}/h.csv: no column "yhat" in the header`,
        `${dir}/h.csv: no column "sex" in the header`,
        `${dir}/h.csv: the header has "a", "b"`,
      ].join('\n'),
    );
  });

  it('a file that cannot be read, or is not gzip', async () => {
    expect(await problemOf(countFile(join(dir, 'nope.csv'), SPEC))).toBe(
      `${dir}/nope.csv: cannot be read (ENOENT)`,
    );
    expect(await problemOf(countFile(dir, SPEC, 'csv'))).toBe(`${dir}: cannot be read (EISDIR)`);
    expect(await problemOf(countFile(file('x.csv.gz', 'not gzip'), SPEC))).toContain(
      'x.csv.gz: not valid gzip',
    );
  });

  it('a facet with more distinct values than allowed is not categorical', async () => {
    const csv = `y,yhat,sex\n${Array.from({ length: 11 }, (_, i) => `1,1,v${i}`).join('\n')}\n`;
    const problem = await problemOf(countFile(file('ids.csv', csv), { ...SPEC, maxGroups: 10 }));
    expect(problem).toContain('ids.csv: row 11: the facet has more than 10 distinct values');
  });

  it('refuses a JSON line longer than maxLineBytes instead of holding it', async () => {
    const jsonl = `{"y":1,"yhat":1,"sex":"f"}\r\n{"y":1,"yhat":1,"sex":"${'m'.repeat(100)}"}\n`;
    const problem = await problemOf(countFile(file('long.jsonl', jsonl), { ...SPEC, maxLineBytes: 64 }));
    expect(problem).toBe(`${join(dir, 'long.jsonl')}: row 2 (line 2): longer than 64 bytes`);
  });

  it('reads JSON Lines with a byte-order mark, CRLF, blank lines and no last newline', async () => {
    const jsonl = '\uFEFF{"y":1,"yhat":1,"sex":"f"}\r\n\r\n{"y":0,"yhat":1,"sex":"m"}';
    const result = await countFile(file('crlf.jsonl', jsonl), SPEC);
    expect(result.rows).toBe(2);
  });

  it('refuses a Parquet file, by its name or by its content', async () => {
    const parquet = readFileSync(new URL('../../../fixtures/pii/customers.parquet', import.meta.url));
    for (const name of ['rows.parquet', 'rows.bin']) {
      const problem = await problemOf(countFile(file(name, parquet), SPEC));
      expect(problem).toBe(
        `${join(dir, name)}: parquet files are not read here: expected CSV, TSV or JSON Lines`,
      );
    }
  });

  it('reads a .json or .txt file by its content', async () => {
    const jsonl = '{"y":1,"yhat":1,"sex":"f"}\n{"y":0,"yhat":1,"sex":"m"}\n';
    const csv = 'y,yhat,sex\n1,1,f\n0,1,m\n';
    const fromJson = await countFile(file('rows.json', jsonl), SPEC);
    const fromTxt = await countFile(file('rows.txt', csv), SPEC);
    expect(fromJson.rows).toBe(2);
    expect(fromTxt).toEqual(fromJson);
  });
});

// --- Properties: streaming = in memory, whatever the chunking ---------------------------------------

interface Row {
  label: boolean | string;
  prediction: boolean | string;
  facet: string;
}

/** Facet values that stress CSV quoting and UTF-8 (multi-byte characters split across chunks). */
const facetValue = fc.oneof(
  fc.constantFrom('f', 'm', 'x', 'a,b', 'say "hi"', 'two\nlines', 'ünï', '女', '🙂', ' padded '),
  fc.string({ minLength: 1, maxLength: 6, unit: 'grapheme' }),
);
const rowArb: fc.Arbitrary<Row> = fc.record({
  label: fc.oneof(fc.boolean(), fc.constantFrom('1', '0', 'true', 'no', '1.0', 'YES', '0.0', 'False')),
  prediction: fc.oneof(fc.boolean(), fc.constantFrom('1', '0', 'TRUE', 'yes', '1e0', 'No')),
  facet: facetValue.filter((s) => s.length > 0),
});

const isPositive = (v: boolean | string) =>
  v === true || (typeof v === 'string' && ['1', '1.0', '1e0', 'true', 'yes'].includes(v.toLowerCase()));
const text = (v: boolean | string) => (typeof v === 'boolean' ? (v ? '1' : '0') : v);

function inMemory(rows: Row[]): Record<string, ConfusionCounts> {
  const out: Record<string, { TP: bigint; FP: bigint; FN: bigint; TN: bigint }> = {};
  for (const r of rows) {
    const t = out[r.facet] ?? { TP: 0n, FP: 0n, FN: 0n, TN: 0n };
    out[r.facet] = t;
    const [y, p] = [isPositive(r.label), isPositive(r.prediction)];
    if (y && p) t.TP++;
    else if (!y && p) t.FP++;
    else if (y) t.FN++;
    else t.TN++;
  }
  return out;
}

const quote = (s: string) => (/[",\r\n]/.test(s) || s.trim() !== s ? `"${s.replaceAll('"', '""')}"` : s);
const toCsv = (rows: Row[]) =>
  `y,yhat,sex\n${rows.map((r) => [text(r.label), text(r.prediction), r.facet].map(quote).join(',')).join('\n')}\n`;
const toJsonl = (rows: Row[]) =>
  rows.map((r) => JSON.stringify({ sex: r.facet, y: r.label, yhat: r.prediction })).join('\n');

/** The bytes cut at the given fractions: chunk boundaries anywhere, mid-character included. */
function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    if (to > from) chunks.push(bytes.subarray(from, to));
    from = Math.max(from, to);
  }
  return chunks;
}

async function* source(chunks: Uint8Array[]) {
  for (const chunk of chunks) yield Buffer.from(chunk);
}

const cutsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 });

describe('streaming properties', () => {
  it('CSV: streamed counts equal in-memory counts, whatever the chunk boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 60 }), cutsArb, async (rows, cuts) => {
        const bytes = new TextEncoder().encode(toCsv(rows));
        const whole = await countCsv(source([bytes]), SPEC, 'mem.csv');
        const pieces = await countCsv(source(chunked(bytes, cuts)), SPEC, 'mem.csv');
        expect(asObject(whole)).toEqual(inMemory(rows));
        expect(asObject(pieces)).toEqual(asObject(whole));
        expect(pieces.rows).toBe(rows.length);
      }),
      { numRuns: 200 },
    );
  });

  it('JSON Lines: streamed counts equal in-memory counts, whatever the chunk boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 60 }), cutsArb, async (rows, cuts) => {
        const bytes = new TextEncoder().encode(toJsonl(rows));
        const whole = await countJsonl(source([bytes]), SPEC, 'mem.jsonl');
        const pieces = await countJsonl(source(chunked(bytes, cuts)), SPEC, 'mem.jsonl');
        expect(asObject(whole)).toEqual(inMemory(rows));
        expect(asObject(pieces)).toEqual(asObject(whole));
      }),
      { numRuns: 200 },
    );
  });
});
