/**
 * One table of (pattern, event, expected) cases for the EventBridge pattern matcher, following the EventBridge
 * user guide ("Content filtering in Amazon EventBridge event patterns") and its engine, aws/event-ruler.
 * The unit test runs it against our matcher; the integration test replays it through the AWS emulator.
 *
 * Events are EventBridge envelopes reduced to what a PutEvents entry sets (source, detail-type, resources,
 * detail), so the emulator receives exactly the event our matcher sees.
 */
import type { EventPattern } from '../../functions/events/event-pattern.ts';

export interface CaseEvent {
  source: string;
  'detail-type': string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface PatternCase {
  /** Unique; the emulator test lists its known deviations by name. */
  name: string;
  pattern: EventPattern;
  event: CaseEvent;
  matches: boolean;
}

const RESOURCES = [
  'arn:aws:sagemaker:eu-west-1:123456789012:model-package/credit/3',
  'arn:aws:s3:::verdict-data',
];

/** An event from `verdict.test` / `Pattern Case` with the given detail. */
export const eventWith = (detail: Record<string, unknown>): CaseEvent => ({
  source: 'verdict.test',
  'detail-type': 'Pattern Case',
  resources: RESOURCES,
  detail,
});

type Row = [name: string, pattern: EventPattern, detail: Record<string, unknown>, matches: boolean];

/** Rows whose pattern tests one detail field: `detail: { <field>: <list> }`. */
const rows: Row[] = [
  // Exact matching of JSON scalars.
  ['exact string', { source: ['verdict.test'] }, {}, true],
  ['exact string is case-sensitive', { source: ['Verdict.Test'] }, {}, false],
  ['any value of the list may match', { 'detail-type': ['Other', 'Pattern Case'] }, {}, true],
  ['every field must match', { source: ['verdict.test'], 'detail-type': ['Other'] }, {}, false],
  ['exact number', { detail: { count: [5] } }, { count: 5 }, true],
  ['exact decimal number', { detail: { limit: [301.8] } }, { limit: 301.8 }, true],
  ['number pattern does not match its string form', { detail: { count: [5] } }, { count: '5' }, false],
  ['string pattern does not match a number', { detail: { count: ['5'] } }, { count: 5 }, false],
  ['boolean', { detail: { certified: [false] } }, { certified: false }, true],
  ['boolean pattern does not match the number 1', { detail: { certified: [true] } }, { certified: 1 }, false],
  ['number pattern 1 does not match true', { detail: { count: [1] } }, { count: true }, false],
  ['null matches null', { detail: { reason: [null] } }, { reason: null }, true],
  ['null does not match a missing field', { detail: { reason: [null] } }, {}, false],
  ['null does not match an empty string', { detail: { reason: [null] } }, { reason: '' }, false],
  ['empty string matches empty string', { detail: { reason: [''] } }, { reason: '' }, true],

  // Structure: missing fields, nesting, arrays.
  ['missing field does not match', { detail: { state: ['running'] } }, { other: 'running' }, false],
  [
    'nested objects',
    { detail: { instance: { state: ['running'] } } },
    { instance: { state: 'running' } },
    true,
  ],
  [
    'nested pattern does not match a scalar',
    { detail: { instance: { state: ['running'] } } },
    { instance: 'running' },
    false,
  ],
  [
    'leaf list does not match an object',
    { detail: { instance: ['running'] } },
    { instance: { state: 'running' } },
    false,
  ],
  ['event array matches when any element matches', { resources: ['arn:aws:s3:::verdict-data'] }, {}, true],
  [
    'event array without a matching element',
    { detail: { tags: ['pii'] } },
    { tags: ['public', 'tabular'] },
    false,
  ],
  [
    'field inside an array of objects',
    { detail: { items: { sku: ['b'] } } },
    { items: [{ sku: 'a' }, { sku: 'b' }] },
    true,
  ],
  [
    'fields of one sub-pattern must match in the same array element',
    { detail: { items: { sku: ['a'], qty: [2] } } },
    {
      items: [
        { sku: 'a', qty: 1 },
        { sku: 'b', qty: 2 },
      ],
    },
    false,
  ],
  ['nested event arrays are flattened', { detail: { matrix: [3] } }, { matrix: [[1, 2], [3]] }, true],

  // prefix / suffix / equals-ignore-case.
  ['prefix', { detail: { region: [{ prefix: 'eu-' }] } }, { region: 'eu-west-1' }, true],
  ['prefix is case-sensitive', { detail: { region: [{ prefix: 'EU-' }] } }, { region: 'eu-west-1' }, false],
  ['prefix only applies to strings', { detail: { count: [{ prefix: '5' }] } }, { count: 55 }, false],
  [
    'prefix on an event array',
    { detail: { tags: [{ prefix: 'pii:' }] } },
    { tags: ['tabular', 'pii:email'] },
    true,
  ],
  [
    'prefix ignoring case',
    { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    { service: 'eventbridge' },
    true,
  ],
  ['suffix', { detail: { file: [{ suffix: '.png' }] } }, { file: 'chart.png' }, true],
  ['suffix that does not match', { detail: { file: [{ suffix: '.png' }] } }, { file: 'chart.png.gz' }, false],
  [
    'suffix ignoring case',
    { detail: { file: [{ suffix: { 'equals-ignore-case': '.PNG' } }] } },
    { file: 'chart.png' },
    true,
  ],
  ['equals-ignore-case', { detail: { name: [{ 'equals-ignore-case': 'ALICE' }] } }, { name: 'alice' }, true],
  [
    'equals-ignore-case is not a prefix',
    { detail: { name: [{ 'equals-ignore-case': 'ali' }] } },
    { name: 'alice' },
    false,
  ],
  [
    'equals-ignore-case only applies to strings',
    { detail: { flag: [{ 'equals-ignore-case': 'TRUE' }] } },
    { flag: true },
    false,
  ],

  // anything-but.
  [
    'anything-but a string',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    { state: 'running' },
    true,
  ],
  [
    'anything-but excludes its value',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    { state: 'initializing' },
    false,
  ],
  [
    'anything-but does not match a missing field',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    {},
    false,
  ],
  [
    'anything-but does not match an object',
    { detail: { state: [{ 'anything-but': 'x' }] } },
    { state: { a: 1 } },
    false,
  ],
  [
    'anything-but matches null',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    { state: null },
    true,
  ],
  [
    'anything-but a string matches a number',
    { detail: { code: [{ 'anything-but': '100' }] } },
    { code: 100 },
    true,
  ],
  [
    'anything-but list excludes each value',
    { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    { state: 'stopped' },
    false,
  ],
  [
    'anything-but list lets others through',
    { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    { state: 'running' },
    true,
  ],
  [
    'anything-but number list excludes numbers',
    { detail: { limit: [{ 'anything-but': [100, 200] }] } },
    { limit: 200 },
    false,
  ],
  [
    'anything-but number list lets others through',
    { detail: { limit: [{ 'anything-but': [100, 200] }] } },
    { limit: 150 },
    true,
  ],
  [
    'anything-but a number matches its string form',
    { detail: { limit: [{ 'anything-but': [100, 200] }] } },
    { limit: '100' },
    true,
  ],
  [
    'anything-but on an array: one other element suffices',
    { detail: { tags: [{ 'anything-but': 'pii' }] } },
    { tags: ['pii', 'public'] },
    true,
  ],
  [
    'anything-but on an array of excluded values',
    { detail: { tags: [{ 'anything-but': 'pii' }] } },
    { tags: ['pii', 'pii'] },
    false,
  ],
  [
    'anything-but prefix excludes',
    { detail: { group: [{ 'anything-but': { prefix: 'sandbox-' } }] } },
    { group: 'sandbox-a' },
    false,
  ],
  [
    'anything-but prefix lets others through',
    { detail: { group: [{ 'anything-but': { prefix: 'sandbox-' } }] } },
    { group: 'credit' },
    true,
  ],
  [
    'anything-but suffix excludes',
    { detail: { file: [{ 'anything-but': { suffix: '.png' } }] } },
    { file: 'a.png' },
    false,
  ],
  [
    'anything-but suffix lets others through',
    { detail: { file: [{ 'anything-but': { suffix: '.png' } }] } },
    { file: 'a.csv' },
    true,
  ],
  [
    'anything-but equals-ignore-case excludes any casing',
    { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'Failed'] } }] } },
    { state: 'FAILED' },
    false,
  ],
  [
    'anything-but equals-ignore-case lets others through',
    { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'stopped' } }] } },
    { state: 'running' },
    true,
  ],
  [
    'anything-but wildcard excludes',
    { detail: { path: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    { path: 'src/lib/a.ts' },
    false,
  ],
  [
    'anything-but wildcard lets others through',
    { detail: { path: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    { path: 'src/app.ts' },
    true,
  ],

  // numeric.
  ['numeric greater than, at the boundary', { detail: { n: [{ numeric: ['>', 0] }] } }, { n: 0 }, false],
  ['numeric greater than', { detail: { n: [{ numeric: ['>', 0] }] } }, { n: 0.000001 }, true],
  [
    'numeric range includes its closed top',
    { detail: { n: [{ numeric: ['>', 0, '<=', 5] }] } },
    { n: 5 },
    true,
  ],
  [
    'numeric range excludes its open bottom',
    { detail: { n: [{ numeric: ['>', 0, '<=', 5] }] } },
    { n: 0 },
    false,
  ],
  ['numeric range above the top', { detail: { n: [{ numeric: ['>', 0, '<=', 5] }] } }, { n: 5.5 }, false],
  [
    'numeric range includes its closed bottom',
    { detail: { n: [{ numeric: ['>=', 10, '<', 20] }] } },
    { n: 10 },
    true,
  ],
  [
    'numeric range excludes its open top',
    { detail: { n: [{ numeric: ['>=', 10, '<', 20] }] } },
    { n: 20 },
    false,
  ],
  ['numeric less than a negative', { detail: { n: [{ numeric: ['<', 0] }] } }, { n: -1 }, true],
  ['numeric less or equal', { detail: { n: [{ numeric: ['<=', -1] }] } }, { n: -1 }, true],
  ['numeric equals', { detail: { n: [{ numeric: ['=', 3.018e2] }] } }, { n: 301.8 }, true],
  ['numeric does not match a numeric string', { detail: { n: [{ numeric: ['>', 0] }] } }, { n: '5' }, false],
  ['numeric does not match a boolean', { detail: { n: [{ numeric: ['>', 0] }] } }, { n: true }, false],
  ['numeric does not match null', { detail: { n: [{ numeric: ['<', 1] }] } }, { n: null }, false],
  ['numeric on an array: any element', { detail: { n: [{ numeric: ['>', 5] }] } }, { n: [1, 10] }, true],

  // exists (only leaf values count).
  ['exists true on a present field', { detail: { arn: [{ exists: true }] } }, { arn: 'x' }, true],
  ['exists true on a missing field', { detail: { arn: [{ exists: true }] } }, {}, false],
  ['exists false on a missing field', { detail: { arn: [{ exists: false }] } }, {}, true],
  ['exists false on a present field', { detail: { arn: [{ exists: false }] } }, { arn: 'x' }, false],
  ['exists true on null', { detail: { arn: [{ exists: true }] } }, { arn: null }, true],
  ['exists false on null', { detail: { arn: [{ exists: false }] } }, { arn: null }, false],
  [
    'exists true on an intermediate object',
    { detail: { meta: [{ exists: true }] } },
    { meta: { a: 1 } },
    false,
  ],
  [
    'exists false on an intermediate object',
    { detail: { meta: [{ exists: false }] } },
    { meta: { a: 1 } },
    true,
  ],
  ['exists false under a missing parent', { detail: { meta: { owner: [{ exists: false }] } } }, {}, true],
  ['exists true on an array of values', { detail: { tags: [{ exists: true }] } }, { tags: ['a'] }, true],
  ['exists true on an empty array', { detail: { tags: [{ exists: true }] } }, { tags: [] }, false],
  ['exists false on an empty array', { detail: { tags: [{ exists: false }] } }, { tags: [] }, true],
  ['exists true on an empty object', { detail: { meta: [{ exists: true }] } }, { meta: {} }, false],

  // wildcard.
  ['wildcard', { detail: { name: [{ wildcard: 'Simple*Service' }] } }, { name: 'SimpleQueueService' }, true],
  [
    'wildcard matches an empty run',
    { detail: { name: [{ wildcard: 'Simple*Service' }] } },
    { name: 'SimpleService' },
    true,
  ],
  [
    'wildcard is case-sensitive',
    { detail: { name: [{ wildcard: 'Simple*Service' }] } },
    { name: 'simplequeueservice' },
    false,
  ],
  [
    'wildcard must match the whole value',
    { detail: { name: [{ wildcard: 'Simple*' }] } },
    { name: 'NotSimple' },
    false,
  ],
  ['wildcard escaped star is literal', { detail: { name: [{ wildcard: 'a\\*b' }] } }, { name: 'a*b' }, true],
  [
    'wildcard escaped star matches only a star',
    { detail: { name: [{ wildcard: 'a\\*b' }] } },
    { name: 'axb' },
    false,
  ],
  ['wildcard dot is literal', { detail: { name: [{ wildcard: 'a.c*' }] } }, { name: 'abcd' }, false],
  ['wildcard only applies to strings', { detail: { n: [{ wildcard: '*' }] } }, { n: 5 }, false],

  // cidr.
  ['cidr IPv4 inside', { detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, { ip: '10.0.0.33' }, true],
  ['cidr IPv4 outside', { detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, { ip: '10.0.1.1' }, false],
  ['cidr IPv6 inside', { detail: { ip: [{ cidr: '2001:db8::/32' }] } }, { ip: '2001:db8::1' }, true],
  ['cidr IPv6 outside', { detail: { ip: [{ cidr: '2001:db8::/32' }] } }, { ip: '2001:db9::1' }, false],
  [
    'cidr on a value that is not an IP',
    { detail: { ip: [{ cidr: '10.0.0.0/8' }] } },
    { ip: 'localhost' },
    false,
  ],

  // $or.
  [
    '$or: one branch suffices',
    { $or: [{ source: ['other'] }, { detail: { state: ['running'] } }] },
    { state: 'running' },
    true,
  ],
  [
    '$or: no branch matches',
    { $or: [{ source: ['other'] }, { detail: { state: ['stopped'] } }] },
    { state: 'running' },
    false,
  ],
  [
    '$or inside a nested object',
    { detail: { $or: [{ n: [{ numeric: ['>', 10] }] }, { state: ['running'] }] } },
    { n: 1, state: 'running' },
    true,
  ],
  [
    '$or is combined with the other fields by AND',
    { source: ['other'], $or: [{ detail: { state: ['running'] } }, { detail: { n: [1] } }] },
    { n: 1, state: 'running' },
    false,
  ],
  [
    '$or with an absence branch',
    { detail: { $or: [{ arn: [{ exists: false }] }, { arn: ['x'] }] } },
    {},
    true,
  ],
];

export const patternCases: readonly PatternCase[] = rows.map(([name, pattern, detail, matches]) => ({
  name,
  pattern,
  event: eventWith(detail),
  matches,
}));
