/**
 * RFC 8785 against the RFC's own examples (section 3.2.2 and 3.2.3, Appendix B) and the reference
 * implementation's test data (cyberphone/json-canonicalization testdata/{input,output}).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  isCanonicalJson,
  NotCanonicalJsonError,
} from '../../../functions/shared/canonical-json.ts';

const ieee754 = (hex: string) => Buffer.from(hex, 'hex').readDoubleBE(0);

describe('RFC 8785 number serialisation (Appendix B)', () => {
  const table: [string, string][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];
  it.each(table)('%s -> %s', (hex, expected) => {
    expect(canonicalJson(ieee754(hex))).toBe(expected);
  });

  it.each([
    ['1e21', '1e+21'],
    ['1e-7', '1e-7'],
    ['-0', '0'],
    ['333333333.33333329', '333333333.3333333'],
    ['1E30', '1e+30'],
    ['4.50', '4.5'],
    ['2e-3', '0.002'],
    ['0.000001', '0.000001'],
    ['0.000000000000000000000000001', '1e-27'],
    ['100000000000000000000', '100000000000000000000'],
  ])('parsed %s serialises as %s', (text, expected) => {
    expect(canonicalJson(JSON.parse(text))).toBe(expected);
  });

  it('rejects NaN and the infinities (RFC 8785 3.2.2.3)', () => {
    for (const bad of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      ieee754('7fffffffffffffff'),
    ])
      expect(() => canonicalJson({ n: bad })).toThrow(NotCanonicalJsonError);
  });
});

describe('RFC 8785 examples and reference test data', () => {
  it('section 3.2.2 / testdata values.json', () => {
    const input = `{
      "numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],
      "escaping": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
      "literals": [null, true, false]
    }`;
    expect(canonicalJson(JSON.parse(input))).toBe(
      '{"escaping":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/","literals":[null,true,false],"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}',
    );
  });

  it('section 3.2.3: keys sorted by UTF-16 code units (testdata weird.json)', () => {
    const input = `{
      "\\u20ac": "Euro Sign",
      "1": "One",
      "\\u0080": "Control\\u007f",
      "\\ud83d\\ude02": "Smiley",
      "\\u00f6": "Latin Small Letter O With Diaeresis",
      "\\ufb33": "Hebrew Letter Dalet With Dagesh",
      "</script>": "Browser Challenge"
    }`;
    expect(canonicalJson(JSON.parse(input))).toBe(
      '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude02":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('section 3.2.3 sorting example: \\r, 1, \\u0080, \\u00f6, \\u20ac, \\ud83d\\ude00, \\ufb33', () => {
    const keys = ['\u20ac', '\r', '\ufb33', '1', '\ud83d\ude00', '\u0080', '\u00f6'];
    const text = canonicalJson(Object.fromEntries(keys.map((k) => [k, 0])));
    expect(text).toBe('{"\\r":0,"1":0,"\u0080":0,"\u00f6":0,"\u20ac":0,"\ud83d\ude00":0,"\ufb33":0}');
  });

  it('a supplementary-plane key sorts before U+FB33 (code units, not code points)', () => {
    expect(canonicalJson({ '\ufb33': 1, '\u{1f600}': 2 })).toBe('{"\u{1f600}":2,"\ufb33":1}');
  });

  it('testdata structures.json, french.json, unicode.json', () => {
    expect(
      canonicalJson(
        JSON.parse(
          '{"1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0},"10": { },"": "empty","a": { },"111": [ { } ],"A": { }}',
        ),
      ),
    ).toBe('{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}');
    expect(
      canonicalJson({
        peach: 'This sorting order',
        péché: 'is wrong according to French',
        pêche: 'but canonicalization MUST',
        sin: 'ingnore locale',
      }),
    ).toBe(
      '{"peach":"This sorting order","péché":"is wrong according to French","pêche":"but canonicalization MUST","sin":"ingnore locale"}',
    );
    expect(canonicalJson({ 'Unnormalized Unicode': '\u1e0d\u0307' })).toBe(
      '{"Unnormalized Unicode":"\u1e0d\u0307"}',
    );
  });

  it('does not escape U+2028, U+2029 or non-ASCII, escapes control characters in lowercase hex', () => {
    expect(canonicalJson('\u2028\u2029é\u001f\b')).toBe('"\u2028\u2029é\\u001f\\b"');
  });
});

/**
 * The RFC's reference formulation for JSON data (its ES6 serialisation of leaves, keys sorted by UTF-16 code
 * units), written independently of the module under test, as the oracle of the property below.
 */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${reference(record[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('strictness: what a lenient serialiser gets wrong', () => {
  it('canonicalJson rejects values that are not JSON data, with the path', () => {
    expect(() => canonicalJson({ a: () => 1 })).toThrow('$.a: function is not JSON data');
    // biome-ignore lint/suspicious/noSparseArray: the point of the test
    expect(() => canonicalJson({ x: [1, , 2] })).toThrow('$.x[1]: hole in a sparse array');
    expect(() => canonicalJson(new String('ab'))).toThrow('String is not a plain JSON object');
    expect(() => canonicalJson({ d: new Date(0) })).toThrow('$.d: Date is not a plain JSON object');
    expect(() => canonicalJson({ u: undefined })).toThrow('$.u: undefined is not JSON data');
    expect(() => canonicalJson({ b: 1n })).toThrow('bigint');
    expect(() => canonicalJson({ s: 'a\ud800b' })).toThrow('lone surrogate');
    expect(() => canonicalJson({ '\udc00': 1 })).toThrow('lone surrogate');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow('circular');
  });

  it('agrees with the reference formulation on every JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'binary' }), fc.double({ noNaN: true, noDefaultInfinity: true })),
        (value) => {
          expect(canonicalJson(value)).toBe(reference(value));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('agrees with JSON.parse round trips and is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(isCanonicalJson(text)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('isCanonicalJson rejects whitespace, unsorted keys, non-canonical numbers and escapes', () => {
    for (const text of [
      '{"a": 1}',
      '{"b":1,"a":2}',
      '{"a":1.0}',
      '{"a":"\\u0041"}',
      '{"a":1,"a":1}',
      '[1e400]',
    ])
      expect(isCanonicalJson(text), text).toBe(false);
  });
});
