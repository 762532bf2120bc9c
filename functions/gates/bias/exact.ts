/**
 * Exact arithmetic for bias metrics: every rate is a fraction of two counts, so every metric is a
 * rational number, kept as a reduced numerator/denominator pair of BigInts. A metric is converted to a
 * JavaScript number only for output, correctly rounded (the nearest double to the exact value), so
 * equal rationals always print the same number and symmetric metrics are exact negatives of each other.
 *
 * Division by zero is not an error here: x/0 with x > 0 is +infinity, x/0 with x < 0 is -infinity and
 * 0/0 is undefined, carrying a reason that ends up in the output's `notes`.
 */

/** A reduced fraction: `den > 0`, `gcd(|num|, den) = 1`, zero is 0/1. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/** A metric's exact value: a rational, an infinity, or undefined with the reason why. */
export type Exact =
  | { readonly kind: 'finite'; readonly value: Rational }
  | { readonly kind: 'infinite'; readonly sign: 1 | -1 }
  | { readonly kind: 'undefined'; readonly reason: string };

/** What a metric prints as: a number, "Infinity" / "-Infinity", or null when undefined. */
export type MetricValue = number | 'Infinity' | '-Infinity' | null;

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

function gcd(a: bigint, b: bigint): bigint {
  let x = abs(a);
  let y = abs(b);
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function rational(num: bigint, den: bigint): Rational {
  if (den === 0n) throw new RangeError('rational: zero denominator');
  if (num === 0n) return { num: 0n, den: 1n };
  const sign = den < 0n ? -1n : 1n;
  const g = gcd(num, den);
  return { num: (sign * num) / g, den: (sign * den) / g };
}

export const finite = (value: Rational): Exact => ({ kind: 'finite', value });
export const infinite = (sign: 1 | -1): Exact => ({ kind: 'infinite', sign });
export const undefinedBecause = (reason: string): Exact => ({ kind: 'undefined', reason });
export const ZERO: Exact = finite(rational(0n, 1n));
export const ONE: Exact = finite(rational(1n, 1n));

/** num/den with the division-by-zero rules above; `what` and `why` explain a 0/0. */
export function quotient(num: bigint, den: bigint, what: string, why?: string): Exact {
  if (den !== 0n) return finite(rational(num, den));
  if (num === 0n) return undefinedBecause(`${what} is 0/0${why ? ` (${why})` : ''}`);
  return infinite(num > 0n ? 1 : -1);
}

export function sub(a: Exact, b: Exact, what: string): Exact {
  if (a.kind === 'undefined') return a;
  if (b.kind === 'undefined') return b;
  if (a.kind === 'infinite' && b.kind === 'infinite') {
    return a.sign === b.sign ? undefinedBecause(`${what}: both terms are infinite (∞ − ∞)`) : a;
  }
  if (a.kind === 'infinite') return a;
  if (b.kind === 'infinite') return infinite(b.sign === 1 ? -1 : 1);
  const x = a.value;
  const y = b.value;
  return finite(rational(x.num * y.den - y.num * x.den, x.den * y.den));
}

export function absolute(a: Exact): Exact {
  if (a.kind === 'finite') return finite(rational(abs(a.value.num), a.value.den));
  if (a.kind === 'infinite') return infinite(1);
  return a;
}

/** -1, 0 or 1; both must be defined. */
export function compare(a: Exact, b: Exact): -1 | 0 | 1 {
  if (a.kind === 'undefined' || b.kind === 'undefined') throw new RangeError('compare: undefined value');
  const rank = (e: Exact) => (e.kind === 'infinite' ? e.sign : 0);
  if (rank(a) !== rank(b)) return rank(a) < rank(b) ? -1 : 1;
  if (a.kind === 'infinite') return 0;
  const x = (a as { value: Rational }).value;
  const y = (b as { value: Rational }).value;
  const l = x.num * y.den;
  const r = y.num * x.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function max(a: Exact, b: Exact): Exact {
  if (a.kind === 'undefined') return a;
  if (b.kind === 'undefined') return b;
  return compare(a, b) >= 0 ? a : b;
}

export function equals(a: Exact, b: Exact): boolean {
  if (a.kind === 'finite' && b.kind === 'finite')
    return a.value.num === b.value.num && a.value.den === b.value.den;
  if (a.kind === 'infinite' && b.kind === 'infinite') return a.sign === b.sign;
  return a.kind === 'undefined' && b.kind === 'undefined';
}

const bitLength = (x: bigint): number => x.toString(2).length;
const SAFE = 1n << 53n;

/** The double nearest to num/den (ties to even): exact rationals in, correctly rounded numbers out. */
export function toNumber(r: Rational): number {
  const { num, den } = r;
  if (num === 0n) return 0;
  const negative = num < 0n;
  const n = negative ? -num : num;
  // Both operands exact as doubles: IEEE division is correctly rounded.
  if (n <= SAFE && den <= SAFE) return (negative ? -1 : 1) * (Number(n) / Number(den));
  // Scale so that the integer quotient has 55 to 56 significant bits, fold the remainder into a sticky
  // bit, and let Number() round that integer to 53 bits (round half to even); scaling back by a power
  // of two is exact.
  const shift = 55 - (bitLength(n) - bitLength(den));
  const scaledNum = shift >= 0 ? n << BigInt(shift) : n;
  const scaledDen = shift >= 0 ? den : den << BigInt(-shift);
  let q = scaledNum / scaledDen;
  if (scaledNum % scaledDen !== 0n) q |= 1n;
  const value = Number(q) * 2 ** -shift;
  return negative ? -value : value;
}

export function toMetricValue(e: Exact): MetricValue {
  if (e.kind === 'finite') return toNumber(e.value);
  if (e.kind === 'infinite') return e.sign === 1 ? 'Infinity' : '-Infinity';
  return null;
}
