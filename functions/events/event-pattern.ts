/**
 * EventBridge event patterns, matched with EventBridge semantics so the local bus routes exactly as AWS does.
 *
 * - A pattern is an object; each key names an event field, an object value descends into that field, and an array
 *   value lists what the field may hold (any one suffices). All keys must match; `$or` takes 2+ sub-patterns.
 * - A field's leaf values are the strings, numbers, booleans and nulls at that key. Arrays are flattened (an event
 *   array matches when any element does); an object, an empty array or an absent key has no leaf values. So
 *   `exists` only sees leaves, and every matcher except `{"exists": false}` fails on a field without leaf values.
 * - Nested patterns keep array consistency: the fields of one sub-pattern must match inside the same array element.
 * - `$or` is expanded first, as Event Ruler does: each branch is merged into the object around it, so a field inside
 *   a branch and a field outside it that reach into the same array are held to one element. When a branch and its
 *   surroundings name the same field, the one written later wins (Event Ruler's observed behaviour).
 */
import { compileMatcher, EventPatternError, isPlainObject, type LeafTest } from './pattern-operators.ts';

export { EventPatternError } from './pattern-operators.ts';

type OneOrMany<T> = T | readonly T[];
type ComparisonOperator = '=' | '>' | '>=' | '<' | '<=';

/** `[op, n]`, or a range `[">" | ">=", low, "<" | "<=", high]`. */
export type NumericComparison =
  | readonly [ComparisonOperator, number]
  | readonly ['>' | '>=', number, '<' | '<=', number];

export type AnythingBut =
  | string
  | number
  | readonly string[]
  | readonly number[]
  | { readonly prefix: OneOrMany<string> }
  | { readonly suffix: OneOrMany<string> }
  | { readonly 'equals-ignore-case': OneOrMany<string> }
  | { readonly wildcard: OneOrMany<string> };

type AffixOperand = string | { readonly 'equals-ignore-case': string };

export type ContentFilter =
  | { readonly prefix: AffixOperand }
  | { readonly suffix: AffixOperand }
  | { readonly 'equals-ignore-case': string }
  | { readonly wildcard: string }
  | { readonly 'anything-but': AnythingBut }
  | { readonly numeric: NumericComparison }
  | { readonly exists: boolean }
  | { readonly cidr: string };

/** One entry of a field's match list: an exact JSON scalar or a content filter. */
export type PatternValue = string | number | boolean | null | ContentFilter;

/** An EventBridge event pattern; `$or` holds alternative sub-patterns. */
export type EventPattern = {
  readonly [field: string]: readonly PatternValue[] | EventPattern | readonly EventPattern[];
};

type NodeTest = (node: unknown) => boolean;

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

function leafValues(value: unknown): unknown[] {
  if (value === undefined || isPlainObject(value)) return [];
  return Array.isArray(value) ? value.flatMap(leafValues) : [value];
}

const field = (node: unknown, key: string): unknown =>
  isPlainObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;

function compileLeaf(list: readonly unknown[], path: string): LeafTest {
  if (list.length === 0) throw new EventPatternError(path, 'empty arrays are not allowed');
  const tests = list.map((element, i) => compileMatcher(element, `${path}[${i}]`));
  return (values) => tests.some((test) => test(values));
}

/** A sub-pattern matches one object at the field (any element of an array); with none there, it sees `{}`. */
function compileChild(pattern: Pattern, path: string): NodeTest {
  const test = compileObject(pattern, path);
  return (value) => {
    const objects = (Array.isArray(value) ? value.flat(Number.POSITIVE_INFINITY) : [value]).filter(
      isPlainObject,
    );
    return objects.length === 0 ? test({}) : objects.some(test);
  };
}

type Pattern = Record<string, unknown>;

/** Event Ruler refuses nothing here, but an expansion this large is a mistake in a route table. */
const MAX_ALTERNATIVES = 1024;

/** Merges `later` into `earlier`: objects merge field by field, anything else is replaced by the later value. */
function deepMerge(earlier: Pattern, later: Pattern): Pattern {
  const merged: Pattern = Object.assign(Object.create(null), earlier);
  for (const [key, value] of Object.entries(later)) {
    const before = merged[key];
    merged[key] = isPlainObject(before) && isPlainObject(value) ? deepMerge(before, value) : value;
  }
  return merged;
}

/** Every combination of one alternative from each list, merged in order. */
function product(lists: readonly Pattern[][], path: string): Pattern[] {
  let combinations: Pattern[] = [Object.create(null)];
  for (const list of lists) {
    combinations = combinations.flatMap((partial) => list.map((next) => deepMerge(partial, next)));
    if (combinations.length > MAX_ALTERNATIVES) {
      throw new EventPatternError(path, `"$or" expands to more than ${MAX_ALTERNATIVES} alternatives`);
    }
  }
  return combinations;
}

/** The `$or`-free patterns whose disjunction is `pattern`, with each branch merged into its surroundings. */
function expandOr(pattern: Pattern, path: string): Pattern[] {
  const entries = Object.entries(pattern);
  if (entries.length === 0) throw new EventPatternError(path, 'empty objects are not allowed');
  const lists = entries.map(([key, rule]): Pattern[] => {
    const at = join(path, key);
    if (key === '$or') {
      if (!Array.isArray(rule) || rule.length < 2 || !rule.every(isPlainObject)) {
        throw new EventPatternError(at, '"$or" expects an array of at least 2 objects');
      }
      return rule.flatMap((branch, i) => expandOr(branch, `${at}[${i}]`));
    }
    if (isPlainObject(rule)) return expandOr(rule, at).map((child) => ({ [key]: child }));
    if (Array.isArray(rule)) {
      compileLeaf(rule, at); // validates the match list where it is written, so errors name the right path
      return [{ [key]: rule }];
    }
    throw new EventPatternError(at, 'must be an object or an array');
  });
  return product(lists, path);
}

function compileObject(pattern: Pattern, path: string): NodeTest {
  const tests = Object.entries(pattern).map(([key, rule]): NodeTest => {
    const at = join(path, key);
    if (Array.isArray(rule)) {
      const test = compileLeaf(rule, at);
      return (node) => test(leafValues(field(node, key)));
    }
    const test = compileChild(rule as Pattern, at);
    return (node) => test(field(node, key));
  });
  return (node) => tests.every((test) => test(node));
}

function compileAlternatives(pattern: Pattern): NodeTest {
  const tests = expandOr(pattern, '').map((alternative) => compileObject(alternative, ''));
  return (node) => tests.some((test) => test(node));
}

// Patterns are compiled once; they are treated as immutable (route tables are constants).
const compiled = new WeakMap<object, NodeTest>();

function compile(pattern: unknown): NodeTest {
  if (!isPlainObject(pattern)) throw new EventPatternError('', 'the pattern must be a JSON object');
  let test = compiled.get(pattern);
  if (!test) {
    test = compileAlternatives(pattern);
    compiled.set(pattern, test);
  }
  return test;
}

/** Throws an EventPatternError naming the first malformed part of the pattern. */
export function validatePattern(pattern: unknown): asserts pattern is EventPattern {
  compile(pattern);
}

/** Whether an event (a parsed EventBridge envelope) matches the pattern; throws if the pattern is malformed. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return compile(pattern)(event);
}
