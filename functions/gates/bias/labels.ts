/**
 * Reading a label or prediction as positive or negative, the same way in every format. A value is
 * positive when it is the positive value and negative when it is a known negative; anything else is an
 * error, never a silent negative (a CSV `1.0` or `yes` read as negative would hide every disparity).
 *
 * Default: positive 1, true or yes; negative 0, false or no (words in any case). `--positive` names
 * the positive value and `--negative` the negative ones (default still 0, false, no). Numbers compare
 * as numbers: `1`, `1.0` and `1e0` are the same label, in CSV text as in JSON numbers.
 */

export type LabelValue = string | number | boolean;

/** Positive (true), negative (false), or not a value the caller named (undefined). */
export type LabelReader = (value: LabelValue) => boolean | undefined;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

const DEFAULT_POSITIVE = ['1', 'true', 'yes'];
const DEFAULT_NEGATIVE = ['0', 'false', 'no'];

/** A value's identity for comparison: numbers by value, booleans and the default words case-insensitively. */
function key(value: LabelValue): string {
  const text = String(value).trim();
  if (NUMBER.test(text)) return `n:${Number(text)}`;
  return `s:${text}`;
}

const wordKey = (value: string): string => (NUMBER.test(value) ? key(value) : `s:${value.toLowerCase()}`);

export function labelReader(positive?: string, negative?: readonly string[]): LabelReader {
  const positives = new Set(positive === undefined ? DEFAULT_POSITIVE.map(wordKey) : [key(positive)]);
  const negatives = new Set(negative === undefined ? DEFAULT_NEGATIVE.map(wordKey) : negative.map(key));
  return (value) => {
    const exact = key(value);
    const folded = wordKey(String(value).trim());
    if (positives.has(positive === undefined ? folded : exact)) return true;
    if (negatives.has(negative === undefined ? folded : exact)) return false;
    return undefined;
  };
}

/** What a value must be, for an error message: "1, true or yes" / "0, false or no". */
export function describeLabels(
  positive?: string,
  negative?: readonly string[],
): { positive: string; negative: string } {
  const list = (values: readonly string[]) =>
    values.length <= 1
      ? values.map((v) => JSON.stringify(v)).join('')
      : `${values
          .slice(0, -1)
          .map((v) => JSON.stringify(v))
          .join(', ')} or ${JSON.stringify(values.at(-1))}`;
  return {
    positive: list(positive === undefined ? DEFAULT_POSITIVE : [positive]),
    negative: list(negative ?? DEFAULT_NEGATIVE),
  };
}
