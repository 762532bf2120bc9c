/**
 * JSON without rounding, for governance inputs the policy compares with thresholds. `JSON.parse` rounds
 * every number to a double, so 10^25 + 1 FLOPs would read as 10^25 and miss the Art. 51(2) threshold.
 * Here a number a double holds exactly as written (every number a double prints back to the same
 * digits) stays a `number`; any other is an `ExactNumber` that keeps its decimal text, and the policy
 * input is written with that text, so OPA compares the exact value.
 */
import { isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';

/** A number a double cannot hold, kept as its JSON text. Serialises as that text in JSON.stringify. */
export class ExactNumber extends LosslessNumber {
  /** Plain `JSON.stringify` (and RFC 8785 canonical hashing) cannot write it as a number: its text. */
  toJSON(): string {
    return this.value;
  }
}

export const isExactNumber = (v: unknown): v is ExactNumber => v instanceof ExactNumber;

/** Parses JSON: safe numbers as `number`, others as `ExactNumber`. Duplicate keys are an error. */
export function parseExactJson(text: string): unknown {
  return parse(text, null, (digits) => (isSafeNumber(digits) ? Number(digits) : new ExactNumber(digits)));
}

/** Writes JSON with every `ExactNumber` as the number it is; `space` indents as in JSON.stringify. */
export function stringifyExactJson(value: unknown, space?: number): string {
  const text = stringify(value, undefined, space);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}
