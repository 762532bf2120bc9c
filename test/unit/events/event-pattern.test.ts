import { describe, expect, it } from 'vitest';
import {
  type EventPattern,
  EventPatternError,
  matchesPattern,
  validatePattern,
} from '../../../functions/events/event-pattern.ts';
import { eventWith, patternCases } from '../../support/event-pattern-cases.ts';

describe('matchesPattern', () => {
  it('has uniquely named cases', () => {
    expect(new Set(patternCases.map(({ name }) => name)).size).toBe(patternCases.length);
  });

  it.each(patternCases.map((c) => [c.name, c] as const))('%s', (_name, { pattern, event, matches }) => {
    validatePattern(pattern);
    expect(matchesPattern(pattern, event)).toBe(matches);
  });

  it('treats an event that is not an object as having no fields', () => {
    expect(matchesPattern({ source: [{ exists: false }] }, 'not an event')).toBe(true);
    expect(matchesPattern({ source: [{ exists: true }] }, null)).toBe(false);
  });

  it('ignores inherited properties of the event', () => {
    expect(matchesPattern({ detail: { constructor: [{ exists: true }] } }, eventWith({}))).toBe(false);
  });

  it('throws on a malformed pattern instead of guessing', () => {
    const pattern = { detail: { n: [{ numeric: ['>>', 1] }] } } as unknown as EventPattern;
    expect(() => matchesPattern(pattern, eventWith({ n: 2 }))).toThrow(EventPatternError);
  });
});

describe('validatePattern', () => {
  const invalid: [name: string, pattern: unknown, message: string][] = [
    [
      'a pattern that is not an object',
      ['source'],
      'Invalid event pattern: the pattern must be a JSON object',
    ],
    ['an empty pattern', {}, 'Invalid event pattern: empty objects are not allowed'],
    [
      'an empty nested object',
      { detail: {} },
      'Invalid event pattern at detail: empty objects are not allowed',
    ],
    [
      'a leaf that is not an array',
      { source: 'aws.s3' },
      'Invalid event pattern at source: must be an object or an array',
    ],
    ['an empty list', { source: [] }, 'Invalid event pattern at source: empty arrays are not allowed'],
    [
      'a list inside a list',
      { source: [['aws.s3']] },
      'Invalid event pattern at source[0]: match values must be strings, numbers, booleans, null or operator objects',
    ],
    [
      'an unknown operator',
      { detail: { s: ['a', { contains: 'x' }] } },
      'Invalid event pattern at detail.s[1]: unknown operator "contains"',
    ],
    [
      'two operators in one object',
      { s: [{ prefix: 'a', suffix: 'b' }] },
      'Invalid event pattern at s[0]: an operator object needs exactly one key, got 2 ("prefix", "suffix")',
    ],
    [
      'an empty operator object',
      { s: [{}] },
      'Invalid event pattern at s[0]: an operator object needs exactly one key, got 0 ()',
    ],
    [
      'a prefix that is a number',
      { s: [{ prefix: 1 }] },
      'Invalid event pattern at s[0]: "prefix" expects a string or {"equals-ignore-case": string}',
    ],
    [
      'a suffix with an unknown option',
      { s: [{ suffix: { wildcard: 'x' } }] },
      'Invalid event pattern at s[0]: "suffix" expects a string or {"equals-ignore-case": string}',
    ],
    [
      'equals-ignore-case on a list',
      { s: [{ 'equals-ignore-case': ['a'] }] },
      'Invalid event pattern at s[0]: "equals-ignore-case" expects a string',
    ],
    [
      'exists with a string',
      { s: [{ exists: 'true' }] },
      'Invalid event pattern at s[0]: "exists" expects true or false',
    ],
    [
      'numeric that is not an array',
      { n: [{ numeric: '>5' }] },
      'Invalid event pattern at n[0]: "numeric" expects [operator, number] or [">" | ">=", number, "<" | "<=", number]',
    ],
    [
      'numeric with three terms',
      { n: [{ numeric: ['>', 0, '<'] }] },
      'Invalid event pattern at n[0]: "numeric" expects [operator, number] or [">" | ">=", number, "<" | "<=", number]',
    ],
    [
      'numeric with an unknown operator',
      { n: [{ numeric: ['=>', 0] }] },
      'Invalid event pattern at n[0]: unknown numeric operator "=>"',
    ],
    [
      'numeric with a string operand',
      { n: [{ numeric: ['>', '0'] }] },
      'Invalid event pattern at n[0]: numeric operand of ">" must be a number',
    ],
    [
      'numeric range starting with an upper bound',
      { n: [{ numeric: ['<', 5, '>', 0] }] },
      'Invalid event pattern at n[0]: "numeric" expects [operator, number] or [">" | ">=", number, "<" | "<=", number]',
    ],
    [
      'numeric range with "=" in it',
      { n: [{ numeric: ['>', 0, '=', 5] }] },
      'Invalid event pattern at n[0]: "numeric" expects [operator, number] or [">" | ">=", number, "<" | "<=", number]',
    ],
    [
      'an empty numeric range',
      { n: [{ numeric: ['>=', 5, '<=', 5] }] },
      'Invalid event pattern at n[0]: numeric lower bound 5 must be less than upper bound 5',
    ],
    [
      'anything-but with mixed types',
      { s: [{ 'anything-but': ['a', 1] }] },
      'Invalid event pattern at s[0]: "anything-but" list must be non-empty and hold only strings or only numbers',
    ],
    [
      'anything-but with an empty list',
      { s: [{ 'anything-but': [] }] },
      'Invalid event pattern at s[0]: "anything-but" list must be non-empty and hold only strings or only numbers',
    ],
    [
      'anything-but null',
      { s: [{ 'anything-but': null }] },
      'Invalid event pattern at s[0]: "anything-but" expects a string, a number, a list of either, or one of {"prefix"}, {"suffix"}, {"equals-ignore-case"}, {"wildcard"}',
    ],
    [
      'anything-but numeric',
      { s: [{ 'anything-but': { numeric: ['>', 1] } }] },
      'Invalid event pattern at s[0]: "anything-but" expects a string, a number, a list of either, or one of {"prefix"}, {"suffix"}, {"equals-ignore-case"}, {"wildcard"}',
    ],
    [
      'anything-but an empty prefix',
      { s: [{ 'anything-but': { prefix: '' } }] },
      'Invalid event pattern at s[0]: "anything-but" prefix expects a non-empty string or a non-empty list of them',
    ],
    [
      'anything-but equals-ignore-case with a number',
      { s: [{ 'anything-but': { 'equals-ignore-case': 1 } }] },
      'Invalid event pattern at s[0]: "equals-ignore-case" expects a string or a non-empty list of strings',
    ],
    [
      'consecutive wildcards',
      { s: [{ wildcard: 'a**b' }] },
      'Invalid event pattern at s[0]: "wildcard" does not allow consecutive "*" (at position 2)',
    ],
    [
      'a wildcard escaping another character',
      { s: [{ wildcard: 'a\\b' }] },
      'Invalid event pattern at s[0]: "wildcard" allows only "\\*" and "\\\\" as escapes (at position 1)',
    ],
    [
      'a wildcard that is not a string',
      { s: [{ wildcard: 1 }] },
      'Invalid event pattern at s[0]: "wildcard" expects a string',
    ],
    [
      'a cidr without a prefix length',
      { ip: [{ cidr: '10.0.0.1' }] },
      'Invalid event pattern at ip[0]: "cidr" expects an IPv4 or IPv6 CIDR block such as "10.0.0.0/24"',
    ],
    [
      'a cidr with a prefix too long',
      { ip: [{ cidr: '10.0.0.0/33' }] },
      'Invalid event pattern at ip[0]: "cidr" expects an IPv4 or IPv6 CIDR block such as "10.0.0.0/24"',
    ],
    [
      'a cidr that is not an address',
      { ip: [{ cidr: 'intranet/8' }] },
      'Invalid event pattern at ip[0]: "cidr" expects an IPv4 or IPv6 CIDR block such as "10.0.0.0/24"',
    ],
    [
      '$or with one branch',
      { $or: [{ source: ['a'] }] },
      'Invalid event pattern at $or: "$or" expects an array of at least 2 objects',
    ],
    [
      '$or that is an object',
      { detail: { $or: { a: ['x'] } } },
      'Invalid event pattern at detail.$or: "$or" expects an array of at least 2 objects',
    ],
    [
      'a malformed branch of $or',
      { $or: [{ source: ['a'] }, { detail: { n: [{ numeric: ['>'] }] } }] },
      'Invalid event pattern at $or[1].detail.n[0]: "numeric" expects [operator, number] or [">" | ">=", number, "<" | "<=", number]',
    ],
  ];

  it.each(invalid)('rejects %s', (_name, pattern, message) => {
    let thrown: unknown;
    try {
      validatePattern(pattern);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EventPatternError);
    expect((thrown as Error).message).toBe(message);
  });

  it('accepts every documented operator', () => {
    expect(() =>
      validatePattern({
        source: ['aws.sagemaker', 5, true, null],
        detail: {
          a: [
            { prefix: 'x' },
            { prefix: { 'equals-ignore-case': 'x' } },
            { suffix: 'x' },
            { suffix: { 'equals-ignore-case': 'x' } },
          ],
          b: [{ 'equals-ignore-case': 'x' }, { wildcard: 'x*y' }, { cidr: '10.0.0.0/8' }, { cidr: '::/0' }],
          c: [
            { 'anything-but': 'x' },
            { 'anything-but': 1 },
            { 'anything-but': ['x', 'y'] },
            { 'anything-but': [1, 2] },
          ],
          d: [{ 'anything-but': { prefix: 'x' } }, { 'anything-but': { suffix: 'x' } }],
          e: [
            { 'anything-but': { 'equals-ignore-case': ['x'] } },
            { 'anything-but': { wildcard: ['x*', '*y'] } },
          ],
          f: [{ numeric: ['=', 1] }, { numeric: ['>', 0, '<=', 5] }, { numeric: ['>=', -1.5, '<', 1e9] }],
          g: [{ exists: true }],
          $or: [{ h: [{ exists: false }] }, { i: { j: ['k'] } }],
        },
      }),
    ).not.toThrow();
  });
});
