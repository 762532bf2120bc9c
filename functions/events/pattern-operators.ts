/**
 * The content filters of an EventBridge event pattern (`prefix`, `numeric`, `anything-but`, ...), each compiled
 * once into a test over the leaf values an event holds at one field. Semantics follow the EventBridge user guide
 * ("Content filtering in Amazon EventBridge event patterns") and its matching engine, aws/event-ruler.
 */
import { BlockList, isIP } from 'node:net';

/** A malformed event pattern; `message` names where it is wrong and why. */
export class EventPatternError extends Error {
  override readonly name = 'EventPatternError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(path ? `Invalid event pattern at ${path}: ${reason}` : `Invalid event pattern: ${reason}`);
  }
}

/**
 * Tests the leaf values of one event field: every string, number, boolean or null found there, arrays flattened;
 * an absent field, an object, or an empty array hold none.
 */
export type LeafTest = (values: readonly unknown[]) => boolean;
type ValueTest = (value: unknown) => boolean;
type Compile = (operand: unknown, path: string) => LeafTest;

const anyValue =
  (test: ValueTest): LeafTest =>
  (values) =>
    values.some(test);

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const fold = (text: string): string => text.toLowerCase();

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The single `{ key: operand }` of an operator object, or undefined when it has zero or several keys. */
function soleEntry(value: Record<string, unknown>): [string, unknown] | undefined {
  const entries = Object.entries(value);
  return entries.length === 1 ? entries[0] : undefined;
}

/** A string, or `{"equals-ignore-case": string}`: how `prefix` and `suffix` take their operand. */
function affixTest(operator: 'prefix' | 'suffix', operand: unknown, path: string): ValueTest {
  const at = (text: string, affix: string) =>
    operator === 'prefix' ? text.startsWith(affix) : text.endsWith(affix);
  if (isString(operand)) return (value) => isString(value) && at(value, operand);
  const entry = isPlainObject(operand) ? soleEntry(operand) : undefined;
  if (entry?.[0] === 'equals-ignore-case' && isString(entry[1])) {
    const affix = fold(entry[1]);
    return (value) => isString(value) && at(fold(value), affix);
  }
  throw new EventPatternError(path, `"${operator}" expects a string or {"equals-ignore-case": string}`);
}

function stringsOperand(operator: string, operand: unknown, path: string): string[] {
  if (isString(operand)) return [operand];
  if (Array.isArray(operand) && operand.length > 0 && operand.every(isString)) return operand;
  throw new EventPatternError(path, `"${operator}" expects a string or a non-empty list of strings`);
}

function wildcardTest(operand: unknown, path: string): ValueTest {
  if (!isString(operand)) throw new EventPatternError(path, '"wildcard" expects a string');
  let source = '';
  for (let i = 0; i < operand.length; i++) {
    const char = operand.charAt(i);
    if (char === '*') {
      if (operand.charAt(i + 1) === '*') {
        throw new EventPatternError(path, `"wildcard" does not allow consecutive "*" (at position ${i + 1})`);
      }
      source += '.*';
    } else if (char === '\\') {
      const escaped = operand.charAt(i + 1);
      if (escaped !== '*' && escaped !== '\\') {
        throw new EventPatternError(
          path,
          `"wildcard" allows only "\\*" and "\\\\" as escapes (at position ${i})`,
        );
      }
      source += `\\${escaped}`;
      i++;
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  const regex = new RegExp(`^${source}$`, 's');
  return (value) => isString(value) && regex.test(value);
}

const COMPARISONS: Record<string, (value: number, bound: number) => boolean> = {
  '=': (value, bound) => value === bound,
  '>': (value, bound) => value > bound,
  '>=': (value, bound) => value >= bound,
  '<': (value, bound) => value < bound,
  '<=': (value, bound) => value <= bound,
};

function numericTest(operand: unknown, path: string): ValueTest {
  const shape = '"numeric" expects [operator, number] or [">" | ">=", number, "<" | "<=", number]';
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    throw new EventPatternError(path, shape);
  }
  const comparisons: {
    operator: string;
    bound: number;
    compare: (value: number, bound: number) => boolean;
  }[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const [operator, bound]: unknown[] = operand.slice(i, i + 2);
    const compare =
      isString(operator) && Object.hasOwn(COMPARISONS, operator) ? COMPARISONS[operator] : undefined;
    if (!isString(operator) || !compare) {
      throw new EventPatternError(path, `unknown numeric operator ${JSON.stringify(operator)}`);
    }
    if (!isNumber(bound))
      throw new EventPatternError(path, `numeric operand of "${operator}" must be a number`);
    comparisons.push({ operator, bound, compare });
  }
  const [low, high] = comparisons;
  if (low && high) {
    if (!['>', '>='].includes(low.operator) || !['<', '<='].includes(high.operator)) {
      throw new EventPatternError(path, shape);
    }
    if (!(low.bound < high.bound)) {
      throw new EventPatternError(
        path,
        `numeric lower bound ${low.bound} must be less than upper bound ${high.bound}`,
      );
    }
  }
  return (value) => isNumber(value) && comparisons.every(({ compare, bound }) => compare(value, bound));
}

function cidrTest(operand: unknown, path: string): ValueTest {
  const [, address = '', bits = ''] = isString(operand) ? (/^([^/]+)\/(\d{1,3})$/.exec(operand) ?? []) : [];
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  const prefix = Number(bits);
  if (isIP(address) === 0 || prefix > (family === 'ipv6' ? 128 : 32)) {
    throw new EventPatternError(path, `"cidr" expects an IPv4 or IPv6 CIDR block such as "10.0.0.0/24"`);
  }
  const block = new BlockList();
  block.addSubnet(address, prefix, family);
  const version = family === 'ipv6' ? 6 : 4;
  return (value) => isString(value) && isIP(value) === version && block.check(value, family);
}

/** What `anything-but` excludes: a value, a list of values, or a `prefix` / `suffix` / case / wildcard filter. */
function exclusionTest(operand: unknown, path: string): ValueTest {
  if (isString(operand) || isNumber(operand)) return (value) => value === operand;
  if (Array.isArray(operand)) {
    if (operand.length === 0 || !(operand.every(isString) || operand.every(isNumber))) {
      throw new EventPatternError(
        path,
        '"anything-but" list must be non-empty and hold only strings or only numbers',
      );
    }
    const excluded = new Set<unknown>(operand);
    return (value) => excluded.has(value);
  }
  const [operator, inner] = (isPlainObject(operand) ? soleEntry(operand) : undefined) ?? [];
  if (operator === 'prefix' || operator === 'suffix') {
    const affixes = isString(inner) ? [inner] : inner;
    if (!Array.isArray(affixes) || affixes.length === 0 || !affixes.every((a) => isString(a) && a !== '')) {
      throw new EventPatternError(
        path,
        `"anything-but" ${operator} expects a non-empty string or a non-empty list of them`,
      );
    }
    const tests = affixes.map((affix) => affixTest(operator, affix, path));
    return (value) => tests.some((test) => test(value));
  }
  if (operator === 'equals-ignore-case') {
    const excluded = new Set(stringsOperand(operator, inner, path).map(fold));
    return (value) => isString(value) && excluded.has(fold(value));
  }
  if (operator === 'wildcard') {
    const tests = stringsOperand(operator, inner, path).map((text) => wildcardTest(text, path));
    return (value) => tests.some((test) => test(value));
  }
  throw new EventPatternError(
    path,
    '"anything-but" expects a string, a number, a list of either, or one of {"prefix"}, {"suffix"}, {"equals-ignore-case"}, {"wildcard"}',
  );
}

const OPERATORS: Record<string, Compile> = {
  prefix: (operand, path) => anyValue(affixTest('prefix', operand, path)),
  suffix: (operand, path) => anyValue(affixTest('suffix', operand, path)),
  'equals-ignore-case': (operand, path) => {
    if (!isString(operand)) throw new EventPatternError(path, '"equals-ignore-case" expects a string');
    const expected = fold(operand);
    return anyValue((value) => isString(value) && fold(value) === expected);
  },
  wildcard: (operand, path) => anyValue(wildcardTest(operand, path)),
  numeric: (operand, path) => anyValue(numericTest(operand, path)),
  cidr: (operand, path) => anyValue(cidrTest(operand, path)),
  // A missing field has no values, so anything-but never matches it.
  'anything-but': (operand, path) => {
    const excluded = exclusionTest(operand, path);
    return anyValue((value) => !excluded(value));
  },
  exists: (operand, path) => {
    if (typeof operand !== 'boolean') throw new EventPatternError(path, '"exists" expects true or false');
    return (values) => values.length > 0 === operand;
  },
};

/** Compiles one element of a field's match list: a JSON scalar (exact match) or an operator object. */
export function compileMatcher(element: unknown, path: string): LeafTest {
  if (element === null || ['string', 'number', 'boolean'].includes(typeof element)) {
    return anyValue((value) => value === element);
  }
  if (!isPlainObject(element)) {
    throw new EventPatternError(
      path,
      'match values must be strings, numbers, booleans, null or operator objects',
    );
  }
  const entry = soleEntry(element);
  if (!entry) {
    const keys = Object.keys(element).map((key) => JSON.stringify(key));
    throw new EventPatternError(
      path,
      `an operator object needs exactly one key, got ${keys.length} (${keys.join(', ')})`,
    );
  }
  const [operator, operand] = entry;
  const compile = Object.hasOwn(OPERATORS, operator) ? OPERATORS[operator] : undefined;
  if (!compile) throw new EventPatternError(path, `unknown operator "${operator}"`);
  return compile(operand, path);
}
