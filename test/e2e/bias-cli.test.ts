/**
 * `verdict bias` as a user runs it: exact JSON on stdout (and nothing else there), exit 0; bad input
 * exits 2 with what is wrong and where on stderr.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliRun, ROOT, runCli } from '../support/cli.ts';

const SAMPLES = join(ROOT, 'functions/local/demo/samples');
const EXIT = { ok: 0, badInput: 2 } as const;

const dir = mkdtempSync(join(tmpdir(), 'verdict-e2e-bias-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | object): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const bias = (...args: string[]) => runCli(['bias', ...args], { cwd: dir });

function ok(run: CliRun): unknown {
  expect(run.stderr).toBe('');
  expect(run.code, run.stderr).toBe(EXIT.ok);
  return JSON.parse(run.stdout);
}

function badInput(run: CliRun, ...messages: string[]): void {
  expect(run.stdout).toBe('');
  expect(run.code, run.stderr).toBe(EXIT.badInput);
  for (const m of messages) expect(run.stderr).toContain(m);
}

// a: TP 40, FP 10, FN 10, TN 40; d: TP 20, FP 5, FN 20, TN 55 (worked out in test/unit/gates/bias/metrics.test.ts)
const COUNTS = {
  reference: { TP: 40, FP: 10, FN: 10, TN: 40 },
  sensitive: { TP: 20, FP: 5, FN: 20, TN: 55 },
};
const EXPECTED = {
  selectionRate: { reference: 0.5, sensitive: 0.25 },
  DPPL: 0.25,
  DI: 0.5,
  DCAcc: -0.6,
  DCR: -0.2,
  RD: 0.3,
  DAR: 0,
  DRR: -0.06666666666666667,
  AD: 0.05,
  TE: 3,
  demographicParityDifference: 0.25,
  demographicParityRatio: 0.5,
  equalOpportunityDifference: 0.3,
  equalizedOddsDifference: 0.3,
  fourFifths: { ratio: 0.5, adverseImpact: true, disadvantaged: 'sensitive' },
};

/** The same confusion counts as rows: facet f is the sensitive group, m and x the reference. */
function rows(): { y: number; yhat: number; sex: string }[] {
  const out: { y: number; yhat: number; sex: string }[] = [];
  const add = (n: number, y: number, yhat: number, sex: string) => {
    for (let i = 0; i < n; i++) out.push({ y, yhat, sex });
  };
  const { reference: a, sensitive: d } = COUNTS;
  add(d.TP, 1, 1, 'f');
  add(d.FP, 0, 1, 'f');
  add(d.FN, 1, 0, 'f');
  add(d.TN, 0, 0, 'f');
  // the reference split over two values: m and x
  add(a.TP / 2, 1, 1, 'm');
  add(a.TP / 2, 1, 1, 'x');
  add(a.FP, 0, 1, 'm');
  add(a.FN, 1, 0, 'x');
  add(a.TN, 0, 0, 'm');
  return out;
}
const CSV = `id,y,yhat,sex\n${rows()
  .map((r, i) => `${i},${r.y},${r.yhat},${r.sex}`)
  .join('\n')}\n`;
const JSONL = rows()
  .map((r) => JSON.stringify({ ...r, y: r.y === 1 }))
  .join('\n');

describe('verdict bias --counts', () => {
  it('prints every metric of the two groups, exactly', async () => {
    expect(ok(await bias('--counts', write('counts.json', COUNTS)))).toEqual(EXPECTED);
  });

  it('prints the output keys in the documented order', async () => {
    const run = await bias('--counts', write('counts.json', COUNTS));
    expect(Object.keys(JSON.parse(run.stdout))).toEqual(Object.keys(EXPECTED));
  });

  it('"Infinity" for an infinite metric; a 0/0 rate taken as 0 as Clarify does; null where ∞ − ∞', async () => {
    const counts = { reference: { TP: 0, FP: 0, FN: 5, TN: 5 }, sensitive: { TP: 3, FP: 0, FN: 0, TN: 7 } };
    const out = ok(await bias('--counts', write('inf.json', counts))) as Record<string, unknown>;
    expect(out).toMatchObject({ DI: 'Infinity', DCAcc: 'Infinity', DAR: -1, TE: '-Infinity' });
    expect(out.notes).toEqual([
      'precision = TP/(TP+FP) of the reference group is 0/0 (no predicted positives): taken as 0, as SageMaker Clarify does',
      'FN/FP of the sensitive group is 0/0 (no false negatives and no false positives): taken as 0, as SageMaker Clarify does',
    ]);
    const nobody = { reference: { TP: 0, FP: 0, FN: 4, TN: 6 }, sensitive: { TP: 0, FP: 0, FN: 1, TN: 9 } };
    const none = ok(await bias('--counts', write('none.json', nobody))) as Record<string, unknown>;
    expect(none.DCAcc).toBeNull();
    expect(none.notes).toContain('DCAcc is null: c_a − c_d: both terms are infinite (∞ − ∞)');
  });

  it('the same data gives the same metrics from its rows and from Clarify, where a rate is 0/0', async () => {
    // Group m: TP 3, FN 1, TN 4. Group f has no observed positives (TPR 0/0): FP 1, TN 7.
    const rows = [
      ...[1, 1, 1, 0].map((yhat) => ({ y: 1, yhat, sex: 'm' })),
      ...[0, 0, 0, 0].map((yhat) => ({ y: 0, yhat, sex: 'm' })),
      ...[1, 0, 0, 0, 0, 0, 0, 0].map((yhat) => ({ y: 0, yhat, sex: 'f' })),
    ];
    const csv = `y,yhat,sex\n${rows.map((r) => `${r.y},${r.yhat},${r.sex}`).join('\n')}\n`;
    const fromRows = ok(
      await bias(
        '--data',
        write('zero-tpr.csv', csv),
        '--label',
        'y',
        '--prediction',
        'yhat',
        '--facet',
        'sex',
        '--sensitive',
        'f',
      ),
    ) as Record<string, unknown>;
    // What Clarify reports for these rows: TPR_f = 0/0 is written as 0, so RD = 3/4 − 0.
    const clarifyReport = {
      version: '1.0',
      post_training_bias_metrics: {
        label: 'y',
        label_value_or_threshold: '1',
        facets: {
          sex: [
            {
              value_or_threshold: 'f',
              metrics: [
                { name: 'DI', description: 'DI', value: 1 / 3 },
                { name: 'DPPL', description: 'DPPL', value: 0.25 },
                { name: 'RD', description: 'RD', value: 0.75 },
                { name: 'AD', description: 'AD', value: 0 },
              ],
            },
          ],
        },
      },
    };
    const fromClarify = ok(await bias('--clarify', write('zero-tpr.analysis.json', clarifyReport))) as Record<
      string,
      unknown
    >;
    for (const metric of ['DI', 'DPPL', 'RD', 'AD', 'fourFifths'])
      expect(fromRows[metric], metric).toEqual(fromClarify[metric]);
    expect(fromRows.RD).toBe(0.75);
  });

  it('several groups: each against the reference, and the worst case overall', async () => {
    const counts = {
      reference: 'w',
      groups: { w: COUNTS.reference, f: COUNTS.sensitive, x: COUNTS.reference },
    };
    const out = ok(await bias('--counts', write('groups.json', counts))) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['reference', 'groups', 'overall']);
    expect(out.reference).toBe('w');
    expect(out.groups).toEqual({ f: EXPECTED, x: expect.objectContaining({ DI: 1, DPPL: 0 }) });
    expect(out.overall).toMatchObject({
      selectionRate: { w: 0.5, f: 0.25, x: 0.5 },
      demographicParityDifference: 0.25,
      fourFifths: { highest: ['w', 'x'] },
    });
  });

  it('counts above 2^53 as strings of digits', async () => {
    const big = '123456789012345678901234567890';
    const counts = {
      reference: { TP: big, FP: 0, FN: 0, TN: big },
      sensitive: { TP: big, FP: 0, FN: 0, TN: big },
    };
    expect(ok(await bias('--counts', write('big.json', counts)))).toMatchObject({ DI: 1, DPPL: 0 });
  });

  it('bad counts: exit 2 naming each problem', async () => {
    const counts = { reference: { TP: -1, FP: 1.5, FN: 'x', TN: 5, tp: 1 }, sensitve: {} };
    badInput(
      await bias('--counts', write('bad.json', counts)),
      'unknown key "sensitve"',
      'reference: unknown key "tp" (expected TP, FP, FN, TN)',
      'reference.TP: -1 is negative',
      'reference.FP: 1.5 is not an integer',
      'reference.FN: "x" is not a count',
      'sensitive: missing',
    );
    badInput(
      await bias(
        '--counts',
        write('empty-group.json', { ...COUNTS, sensitive: { TP: 0, FP: 0, FN: 0, TN: 0 } }),
      ),
      'sensitive: the group is empty (TP + FP + FN + TN = 0)',
    );
    badInput(await bias('--counts', join(dir, 'missing.json')), 'missing.json: cannot be read (ENOENT)');
    badInput(await bias('--counts', write('not.json', '{"reference": ')), 'not.json: not JSON');
  });
});

describe('verdict bias --data', () => {
  it('a CSV gives the same metrics as its counts (reference: every other value)', async () => {
    const args = ['--label', 'y', '--prediction', 'yhat', '--facet', 'sex', '--sensitive', 'f'];
    expect(ok(await bias('--data', write('rows.csv', CSV), ...args))).toEqual(EXPECTED);
    expect(ok(await bias('--data', write('rows.jsonl', JSONL), ...args))).toEqual(EXPECTED);
  });

  it('a facet with three values against one reference value', async () => {
    const out = ok(
      await bias(
        '--data',
        write('rows.csv', CSV),
        '--label',
        'y',
        '--prediction',
        'yhat',
        '--facet',
        'sex',
        '--reference',
        'm',
      ),
    ) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['facet', 'reference', 'groups', 'overall']);
    expect(out).toMatchObject({ facet: 'sex', reference: 'm' });
    expect(Object.keys(out.groups as object)).toEqual(['f', 'x']);
    // m: TP 20, FP 10, TN 40 -> 30/70 selected; f: 25/100
    expect((out.groups as Record<string, { selectionRate: unknown }>).f?.selectionRate).toEqual({
      reference: 3 / 7,
      sensitive: 0.25,
    });
  });

  it('--positive names the positive value', async () => {
    const csv = 'outcome,pred,g\nyes,yes,a\nno,yes,a\nyes,yes,b\nyes,no,b\n';
    const out = ok(
      await bias(
        '--data',
        write('pos.csv', csv),
        '--label',
        'outcome',
        '--prediction',
        'pred',
        '--facet',
        'g',
        '--sensitive',
        'b',
        '--positive',
        'yes',
      ),
    );
    expect(out).toMatchObject({ selectionRate: { reference: 1, sensitive: 0.5 }, DI: 0.5, RD: 0.5 });
  });

  it('reads 1.0 and yes/no without --positive, the same in CSV and JSON Lines; refuses an unknown label', async () => {
    const rows = [
      ['1.0', 'yes', 'a'],
      ['1.0', 'yes', 'a'],
      ['0.0', 'no', 'a'],
      ['1.0', 'yes', 'b'],
      ['1.0', 'no', 'b'],
      ['0.0', 'no', 'b'],
    ];
    const csv = `y,yhat,g\n${rows.map((r) => r.join(',')).join('\n')}\n`;
    const jsonl = rows.map(([y, yhat, g]) => JSON.stringify({ y: Number(y), yhat, g })).join('\n');
    const args = ['--label', 'y', '--prediction', 'yhat', '--facet', 'g', '--sensitive', 'b'];
    const fromCsv = ok(await bias('--data', write('labels.csv', csv), ...args));
    const fromJsonl = ok(await bias('--data', write('labels.jsonl', jsonl), ...args));
    expect(fromCsv).toMatchObject({ selectionRate: { reference: 2 / 3, sensitive: 1 / 3 }, DI: 0.5 });
    expect(fromJsonl).toEqual(fromCsv);
    badInput(
      await bias('--data', write('maybe.csv', 'y,yhat,g\n1,1,a\nmaybe,0,b\n'), ...args),
      'maybe.csv: row 2: column "y" "maybe" is neither the positive value',
      '; name the values with --positive and --negative\n',
    );
  });

  it('bad data: exit 2 with the file, the row and the problem', async () => {
    const args = ['--label', 'y', '--prediction', 'yhat', '--facet', 'sex', '--sensitive', 'f'];
    badInput(
      await bias(
        '--data',
        write('rows.csv', CSV),
        '--label',
        'label',
        '--prediction',
        'yhat',
        '--facet',
        'sex',
      ),
      'rows.csv: no column "label" in the header',
    );
    badInput(
      await bias('--data', write('hole.csv', 'y,yhat,sex\n1,1,f\n1,,m\n'), ...args),
      'hole.csv: row 2: column "yhat" is empty',
    );
    badInput(await bias('--data', write('empty.csv', ''), ...args), 'empty.csv: empty file');
    badInput(
      await bias('--data', write('bad.jsonl', '{"y":1,"yhat":1,"sex":"f"}\n{"y":1}\n'), ...args),
      'bad.jsonl: row 2 (line 2): no field "yhat"',
    );
    badInput(
      await bias('--data', write('rows.csv', CSV), ...args.slice(0, 6), '--sensitive', 'q'),
      'no row has sex = "q"',
    );
    badInput(
      await bias('--data', write('rows.csv', CSV), '--facet', 'sex'),
      'missing --label COLUMN, --prediction COLUMN',
    );
    badInput(await bias('--data', join(dir, 'nope.csv'), ...args), 'nope.csv: cannot be read (ENOENT)');
  });
});

describe('verdict bias --clarify', () => {
  it('a Clarify report in the same shape, with what it cannot give as null and noted', async () => {
    const out = ok(await bias('--clarify', join(SAMPLES, 'cv-ranker.analysis.json'))) as Record<
      string,
      unknown
    >;
    expect(out).toMatchObject({
      selectionRate: { reference: null, sensitive: null },
      DI: 0.62,
      DPPL: 0.19,
      RD: 0.15,
      AD: 0.02,
      demographicParityDifference: 0.19,
      fourFifths: { ratio: 0.62, adverseImpact: true, disadvantaged: 'sensitive' },
    });
    expect(out.notes).toContain('selectionRate is null: a Clarify report has no selection rates (no counts)');
  });

  it('bad use: exit 2', async () => {
    badInput(
      await bias('--clarify', join(SAMPLES, 'cv-ranker.analysis.json'), '--facet', 'race'),
      'no facet "race" (facets: gender)',
    );
    badInput(
      await bias('--clarify', write('not-clarify.json', { hello: 1 })),
      'a Clarify report has pre_training_bias_metrics',
    );
    badInput(await bias(), 'give one of --counts FILE, --data FILE or --clarify FILE');
    badInput(await bias('--counts', 'a.json', '--clarify', 'b.json'), 'give only one of --counts, --clarify');
  });
});
