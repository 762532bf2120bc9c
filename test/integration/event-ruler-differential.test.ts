/**
 * Differential test: our event-pattern matcher against AWS Event Ruler, the matching library behind EventBridge,
 * run from Maven Central by the small oracle in test/event-ruler (built by `npm run setup`). Every pattern case,
 * every route of the route table and the cases below go to both; they must agree on each match, and a pattern
 * Event Ruler refuses must be refused by validatePattern too.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchesPattern, validatePattern } from '../../functions/events/event-pattern.ts';
import { routes, UNGOVERNED_GROUP_PREFIX } from '../../functions/routes.ts';
import { ROOT } from '../support/cli.ts';
import { eventWith, patternCases } from '../support/event-pattern-cases.ts';

interface DifferentialCase {
  name: string;
  pattern: unknown;
  event: unknown;
}

type OracleAnswer = { matches: boolean } | { error: string };

const ORACLE = join(ROOT, 'test/event-ruler/target');

function askEventRuler(cases: readonly DifferentialCase[]): OracleAnswer[] {
  const classpathFile = join(ORACLE, 'classpath.txt');
  if (!existsSync(classpathFile)) {
    throw new Error('the Event Ruler oracle is not built: run `npm run setup` (needs Java 17 and Maven)');
  }
  const classpath = `${join(ORACLE, 'classes')}:${readFileSync(classpathFile, 'utf8').trim()}`;
  const input = JSON.stringify(cases.map(({ pattern, event }) => ({ pattern, event })));
  const output = execFileSync('java', ['-cp', classpath, 'dev.verdict.oracle.EventRulerOracle'], {
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(output) as OracleAnswer[];
}

function ours(pattern: unknown, event: unknown): OracleAnswer {
  try {
    validatePattern(pattern);
    return { matches: matchesPattern(pattern, event) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const detail = (pattern: Record<string, unknown>) => ({ detail: pattern });

/** Where the two implementations used to part, and the neighbouring cases that pin the semantics down. */
const edgeCases: DifferentialCase[] = [
  // `$or` is expanded into its surroundings, so array consistency spans the branch and the fields around it.
  [
    '$or branch and outer field in different array elements',
    { a: { b: [1] }, $or: [{ a: { c: [2] } }, { z: [9] }] },
    { a: [{ b: 1 }, { c: 2 }] },
  ],
  [
    '$or branch and outer field in one array element',
    { a: { b: [1] }, $or: [{ a: { c: [2] } }, { z: [9] }] },
    { a: [{ b: 1, c: 2 }] },
  ],
  [
    '$or other branch with the outer field',
    { a: { b: [1] }, $or: [{ a: { c: [2] } }, { z: [9] }] },
    { a: [{ b: 1 }], z: 9 },
  ],
  [
    '$or nested in a sub-pattern over an array',
    { a: { b: [1], $or: [{ c: [2] }, { d: [3] }] } },
    { a: [{ b: 1 }, { d: 3 }] },
  ],
  [
    '$or nested in a sub-pattern, one element',
    { a: { b: [1], $or: [{ c: [2] }, { d: [3] }] } },
    { a: [{ b: 1, d: 3 }] },
  ],
  ['nested $or inside $or', { $or: [{ a: [1] }, { $or: [{ b: [2] }, { c: [3] }] }] }, { c: 3 }],
  [
    '$or across two arrays',
    { x: { p: [1] }, $or: [{ y: { q: [2] } }, { x: { r: [3] } }] },
    { x: [{ p: 1 }, { r: 3 }], y: [{ q: 2 }] },
  ],
  // A field named both inside and outside a branch: the one written later wins, as in Event Ruler.
  ['same field outside then inside $or (inner value)', { a: [1], $or: [{ a: [2] }, { b: [3] }] }, { a: 2 }],
  ['same field outside then inside $or (outer value)', { a: [1], $or: [{ a: [2] }, { b: [3] }] }, { a: 1 }],
  ['same field inside then outside $or (outer value)', { $or: [{ a: [2] }, { b: [3] }], a: [1] }, { a: 1 }],
  ['same field inside then outside $or (inner value)', { $or: [{ a: [2] }, { b: [3] }], a: [1] }, { a: 2 }],
  [
    'same nested field outside then inside $or',
    { a: { b: [1] }, $or: [{ a: { b: [2] } }, { z: [9] }] },
    { a: { b: 2 } },
  ],
  // anything-but with a list of prefixes or suffixes.
  [
    'anything-but prefix list excludes each prefix',
    { x: [{ 'anything-but': { prefix: ['a', 'b'] } }] },
    { x: 'bc' },
  ],
  [
    'anything-but prefix list lets others through',
    { x: [{ 'anything-but': { prefix: ['a', 'b'] } }] },
    { x: 'cb' },
  ],
  [
    'anything-but suffix list excludes each suffix',
    { x: [{ 'anything-but': { suffix: ['a', 'b'] } }] },
    { x: 'cb' },
  ],
  [
    'anything-but suffix list lets others through',
    { x: [{ 'anything-but': { suffix: ['a', 'b'] } }] },
    { x: 'bc' },
  ],
  ['anything-but prefix list on a missing field', { x: [{ 'anything-but': { prefix: ['a'] } }] }, { y: 'b' }],
  ['anything-but prefix list on a number', { x: [{ 'anything-but': { prefix: ['a'] } }] }, { x: 5 }],
  ['anything-but prefix list that is empty', { x: [{ 'anything-but': { prefix: [] } }] }, { x: 'b' }],
  ['anything-but prefix list with a number', { x: [{ 'anything-but': { prefix: ['a', 1] } }] }, { x: 'b' }],
  [
    'anything-but prefix list with an empty string',
    { x: [{ 'anything-but': { prefix: [''] } }] },
    { x: 'b' },
  ],
].map(([name, pattern, event]) => ({
  name: name as string,
  pattern: detail(pattern as Record<string, unknown>),
  event: eventWith(event as Record<string, unknown>),
}));

const sample = JSON.parse(
  readFileSync(join(ROOT, 'test/fixtures/events/sagemaker-model-package-state-change.json'), 'utf8'),
) as { detail: Record<string, unknown>; resources: string[] };

/** The registry event with its detail changed: what each route must take or leave. */
const registryVariants: [string, unknown][] = [
  ['pending registration', sample],
  ['already approved', { ...sample, detail: { ...sample.detail, ModelApprovalStatus: 'Approved' } }],
  [
    'ungoverned group',
    { ...sample, detail: { ...sample.detail, ModelPackageGroupName: `${UNGOVERNED_GROUP_PREFIX}x` } },
  ],
  ['version 0', { ...sample, detail: { ...sample.detail, ModelPackageVersion: 0 } }],
  ['no package ARN', { ...sample, detail: { ...sample.detail, ModelPackageArn: undefined } }],
  ['still in progress', { ...sample, detail: { ...sample.detail, ModelPackageStatus: 'InProgress' } }],
  ['report request', { source: 'verdict', 'detail-type': 'Verdict Report Requested', detail: {} }],
];

const routeCases: DifferentialCase[] = routes.flatMap((route) =>
  registryVariants.map(([variant, event]) => ({
    name: `route ${route.id}: ${variant}`,
    pattern: route.pattern,
    event: JSON.parse(JSON.stringify(event)),
  })),
);

const tableCases: DifferentialCase[] = patternCases.map(({ name, pattern, event }) => ({
  name,
  pattern,
  event,
}));
const allCases = [...tableCases, ...edgeCases, ...routeCases];

describe('event patterns: our matcher against AWS Event Ruler', () => {
  const answers = askEventRuler(allCases);
  const answerAt = (i: number): OracleAnswer => {
    const answer = answers[i];
    if (!answer) throw new Error(`Event Ruler gave no answer for case ${i}`);
    return answer;
  };

  it('answers every case', () => {
    expect(answers).toHaveLength(allCases.length);
  });

  it.each(allCases.map((testCase, i) => [testCase.name, testCase, i] as const))(
    '%s',
    (_name, testCase, i) => {
      const theirs = answerAt(i);
      const mine = ours(testCase.pattern, testCase.event);
      if ('error' in theirs) {
        expect(mine, `Event Ruler refuses this pattern (${theirs.error})`).toHaveProperty('error');
      } else {
        expect(mine).toEqual(theirs);
      }
    },
  );

  it('agrees with the expectations written in the case table', () => {
    const disagreements = patternCases.filter((testCase, i) => {
      const answer = answerAt(i);
      return !('matches' in answer) || answer.matches !== testCase.matches;
    });
    expect(disagreements.map(({ name }) => name)).toEqual([]);
  });

  it('routes the sample registry event to the gate and nothing else', () => {
    const matched = routeCases.filter((_c, i) => {
      const answer = answerAt(tableCases.length + edgeCases.length + i);
      return 'matches' in answer && answer.matches;
    });
    expect(matched.map(({ name }) => name)).toEqual([
      'route model-package-pending-approval: pending registration',
      'route report-requested: report request',
    ]);
  });
});
