/**
 * EventBridge event patterns, matched with EventBridge semantics so the local bus routes exactly as AWS does.
 *
 * - A pattern is an object; each key names an event field, an object value descends into that field, and an array
 *   value lists what the field may hold (any one suffices). All keys must match; `$or` takes 2+ sub-patterns.
 * - A field's leaf values are the strings, numbers, booleans and nulls at that key. Arrays are flattened (an event
 *   array matches when any element does); an object, an empty array or an absent key has no leaf values. So
 *   `exists` only sees leaves, and every matcher except `{"exists": false}` fails on a field without leaf values.
 * - Nested patterns keep array consistency: the fields of one sub-pattern must match inside the same array element.
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
  | { readonly prefix: string }
  | { readonly suffix: string }
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
function compileChild(pattern: Record<string, unknown>, path: string): NodeTest {
  const test = compileObject(pattern, path);
  return (value) => {
    const objects = (Array.isArray(value) ? value.flat(Number.POSITIVE_INFINITY) : [value]).filter(
      isPlainObject,
    );
    return objects.length === 0 ? test({}) : objects.some(test);
  };
}

function compileOr(alternatives: unknown, path: string): NodeTest {
  if (!Array.isArray(alternatives) || alternatives.length < 2 || !alternatives.every(isPlainObject)) {
    throw new EventPatternError(path, '"$or" expects an array of at least 2 objects');
  }
  const tests = alternatives.map((alternative, i) => compileObject(alternative, `${path}[${i}]`));
  return (node) => tests.some((test) => test(node));
}

function compileObject(pattern: Record<string, unknown>, path: string): NodeTest {
  const entries = Object.entries(pattern);
  if (entries.length === 0) throw new EventPatternError(path, 'empty objects are not allowed');
  const tests = entries.map(([key, rule]): NodeTest => {
    const at = join(path, key);
    if (key === '$or') return compileOr(rule, at);
    if (Array.isArray(rule)) {
      const test = compileLeaf(rule, at);
      return (node) => test(leafValues(field(node, key)));
    }
    if (isPlainObject(rule)) {
      const test = compileChild(rule, at);
      return (node) => test(field(node, key));
    }
    throw new EventPatternError(at, 'must be an object or an array');
  });
  return (node) => tests.every((test) => test(node));
}

// Patterns are compiled once; they are treated as immutable (route tables are constants).
const compiled = new WeakMap<object, NodeTest>();

function compile(pattern: unknown): NodeTest {
  if (!isPlainObject(pattern)) throw new EventPatternError('', 'the pattern must be a JSON object');
  let test = compiled.get(pattern);
  if (!test) {
    test = compileObject(pattern, '');
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
