import fc from 'fast-check';
import { type CountryCode, getCountries, getExampleNumber } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import type { PiiEntity } from '../../../../functions/gates/pii/entities.ts';
import { columnHints, words } from '../../../../functions/gates/pii/hints.ts';
import { recognize } from '../../../../functions/gates/pii/recognizers.ts';
import { ibanCheckDigits, luhnCheckDigit } from '../../../../functions/gates/pii/validators.ts';

function found(value: string, column: string | null = null, region?: CountryCode) {
  return recognize(value, columnHints(column), { region }).map((m) => [
    m.entity,
    value.slice(m.start, m.end),
  ]);
}

const entities = (value: string, column: string | null = null, region?: CountryCode) =>
  recognize(value, columnHints(column), { region }).map((m) => m.entity);

describe('recognisers: valid forms are found, with their span', () => {
  it.each<[string, string | null, PiiEntity, string]>([
    ['paid with 4111 1111 1111 1111 on 2024-01-15', null, 'CREDIT_CARD', '4111 1111 1111 1111'],
    ['4111-1111-1111-1111', null, 'CREDIT_CARD', '4111-1111-1111-1111'],
    ['amex 3782 822463 10005.', null, 'CREDIT_CARD', '3782 822463 10005'],
    ['5555555555554444', null, 'CREDIT_CARD', '5555555555554444'],
    ['IBAN: GB82 WEST 1234 5698 7654 32 EUR', null, 'IBAN_CODE', 'GB82 WEST 1234 5698 7654 32'],
    ['DE89370400440532013000', null, 'IBAN_CODE', 'DE89370400440532013000'],
    ['de89 3704 0044 0532 0130 00', 'iban', 'IBAN_CODE', 'de89 3704 0044 0532 0130 00'],
    ['SSN 078-05-1120', null, 'US_SSN', '078-05-1120'],
    ['123-45-6789', null, 'US_SSN', '123-45-6789'],
    ['123456789', 'ssn', 'US_SSN', '123456789'],
    ['123 45 6789', 'social_security_number', 'US_SSN', '123 45 6789'],
    ['reach me at john.doe+ml@gmail.com.', null, 'EMAIL_ADDRESS', 'john.doe+ml@gmail.com'],
    ['<Ann.Lee@Company.CO.UK>', null, 'EMAIL_ADDRESS', 'Ann.Lee@Company.CO.UK'],
    ['Chloé: chloé.garcía@gmail.com', null, 'EMAIL_ADDRESS', 'chloé.garcía@gmail.com'],
    ['müller@münchen.de', null, 'EMAIL_ADDRESS', 'müller@münchen.de'],
    ['call +44 20 7946 0958 today', null, 'PHONE_NUMBER', '+44 20 7946 0958'],
    ['+1 (415) 555-0132', null, 'PHONE_NUMBER', '+1 (415) 555-0132'],
    ['+33 1 23 45 67 89', null, 'PHONE_NUMBER', '+33 1 23 45 67 89'],
    ['447911123456', 'mobile', 'PHONE_NUMBER', '447911123456'],
    ['client 81.2.69.160:443 connected', null, 'IP_ADDRESS', '81.2.69.160'],
    ['GET / from 2001:4860:4860::8888', null, 'IP_ADDRESS', '2001:4860:4860::8888'],
    ['NHS number 943 476 5919', null, 'UK_NHS', '943 476 5919'],
    ['9434765919', 'nhs_no', 'UK_NHS', '9434765919'],
    ['DNI 12345678Z', null, 'ES_NIF', '12345678Z'],
    ['12345678-z', 'nif', 'ES_NIF', '12345678-z'],
    ['NIE X1234567L', null, 'ES_NIE', 'X1234567L'],
    ['codice RSSMRA85T10A562S', null, 'IT_FISCAL_CODE', 'RSSMRA85T10A562S'],
  ])('%j (column %s) -> %s', (value, column, entity, span) => {
    expect(found(value, column)).toEqual([[entity, span]]);
  });

  it('reads national phone numbers only with a region', () => {
    expect(found('tel 020 7946 0958')).toEqual([]);
    expect(found('tel 020 7946 0958', null, 'GB')).toEqual([['PHONE_NUMBER', '020 7946 0958']]);
    expect(found('(415) 555-0132', null, 'US')).toEqual([['PHONE_NUMBER', '(415) 555-0132']]);
    // Bare national digits need a hint too.
    expect(found('02079460958', null, 'GB')).toEqual([]);
    expect(found('02079460958', 'phone', 'GB')).toEqual([['PHONE_NUMBER', '02079460958']]);
    // A date is not a phone number, whatever the region.
    expect(found('on 2024-01-15', null, 'GB')).toEqual([]);
    expect(found('am 15.01.2024', null, 'DE')).toEqual([]);
  });

  it('finds several entities in one value and keeps the best of overlapping ones', () => {
    expect(
      entities('Ann <ann@gmail.com>, +44 20 7946 0958, card 4111111111111111, from 81.2.69.160'),
    ).toEqual(['EMAIL_ADDRESS', 'PHONE_NUMBER', 'CREDIT_CARD', 'IP_ADDRESS']);
  });

  it('scores by form and context', () => {
    const score = (value: string, column: string | null = null) =>
      recognize(value, columnHints(column))[0]?.score;
    expect(score('4111 1111 1111 1111')).toBe(0.9);
    expect(score('4111111111111111')).toBe(0.6);
    expect(score('4111111111111111', 'card_number')).toBe(0.95);
    expect(score('4111 1111 1111 1111', 'order_id')).toBe(0.6);
    expect(score('078-05-1120')).toBe(0.7);
    expect(score('078-05-1120', 'customer_ssn')).toBe(0.95);
  });
});

describe('recognisers: near misses are not PII', () => {
  it.each<[string, string | null]>([
    ['4111111111111112', null],
    ['1705321845123456', null],
    ['4111111111111111', 'order_id'],
    ['Order #4111111111111111', null],
    ['4111 1111 1111 111 1', null],
    ['GB82 WEST 1234 5698 7654 33', null],
    ['XX82WEST12345698765432', null],
    ['000-12-3456', null],
    ['666-12-3456', null],
    ['912-12-3456', null],
    ['123-00-4567', null],
    ['123-45-0000', null],
    ['123-45-6789', 'part_number'],
    ['123456789', null],
    ['123 45 6789', null],
    ['someone@example.com', null],
    ['dev@localhost', null],
    ['ops@host.internal', null],
    ['a@b.c', null],
    ['name@1.2.3', null],
    ['git@github.com:org/repo.git', null],
    ['@aws-sdk/client-s3@3.1175.0', null],
    ['+1 555 0100', null],
    ['+44 123', null],
    ['1.5e+12345678', null],
    ['v1.2.3.4', null],
    ['version 10.2.3.4', null],
    ['10.2.3.4', 'app_version'],
    ['Chrome/120.0.6099.109', null],
    ['1.1.1.1', null],
    ['127.0.0.1', null],
    ['192.0.2.44', null],
    ['256.1.2.3', null],
    ['1.3.6.1.4.1.311', null],
    ['12:30:45', null],
    ['00:1A:2B:3C:4D:5E', null],
    ['std::vector', null],
    ['943 476 5919', null],
    ['12345678A', null],
    ['RSSMRA85T10A562T', null],
  ])('%j (column %s)', (value, column) => {
    expect(found(value, column)).toEqual([]);
  });
});

describe('column and context hints', () => {
  it('splits names into words', () => {
    expect(words('customerEmail')).toEqual(['customer', 'email']);
    expect(words('IPAddress')).toEqual(['ip', 'address']);
    expect(words('items[].cc_num')).toEqual(['items', 'cc', 'num']);
  });

  it('reads entity words and phrases, identifiers and versions', () => {
    expect([...columnHints('customer.phoneNumber').positive]).toEqual(['PHONE_NUMBER']);
    expect([...columnHints('E-Mail').positive]).toEqual(['EMAIL_ADDRESS']);
    expect([...columnHints('codice_fiscale').positive]).toEqual(['IT_FISCAL_CODE']);
    expect(columnHints('zip').positive.size).toBe(0);
    expect(columnHints('recipient').positive.size).toBe(0);
    expect(columnHints('hotel').positive.size).toBe(0);
    expect(columnHints('order_id').negative).toBe(true);
    expect(columnHints('card_id').negative).toBe(false);
    expect(columnHints('build_version').version).toBe(true);
    // The last path segment names the value.
    expect(columnHints('phone.type').positive.size).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Precision: a generated corpus of values that look like PII and are not. Zero findings expected.

const d = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
const int = (min: number, max: number) => fc.integer({ min, max });
const hex = (n: number) =>
  fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: n, maxLength: n }).map((a) => a.join(''));
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** [column, value] pairs, the column as a CSV header would name it. */
type Pair = [string | null, string];
const pair = (column: string | null, value: string): Pair => [column, value];

const nearMiss: fc.Arbitrary<Pair> = fc.oneof(
  // order ids, invoice numbers, tracking numbers
  d(6).map((x) => pair('order_ref', `ORD-2024-${x}`)),
  d(8).map((x) => pair(null, `Order #${x} shipped`)),
  d(10).map((x) => pair('invoice', `INV${x}`)),
  d(16).map((x) => pair('order_id', x)),
  fc.tuple(d(3), d(3), d(4)).map(([a, b, c]) => pair('tracking_number', `${a}-${b}-${c}`)),
  d(18).map((x) => pair(null, `1Z${x}`)),
  // timestamps
  fc
    .tuple(int(2000, 2030), int(1, 12), int(1, 28), int(0, 23), int(0, 59), int(0, 59), int(0, 999))
    .map(([y, mo, da, h, mi, s, ms]) =>
      pair(null, `${y}-${pad(mo, 2)}-${pad(da, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`),
    ),
  fc
    .tuple(int(2000, 2030), int(1, 12), int(1, 28), int(0, 23), int(0, 59))
    .map(([y, mo, da, h, mi]) =>
      pair('created', `${pad(da, 2)}/${pad(mo, 2)}/${y} ${pad(h, 2)}:${pad(mi, 2)}`),
    ),
  int(1_000_000_000, 1_999_999_999).map((s) => pair('ts', String(s))),
  int(1_000_000_000, 1_999_999_999).map((s) => pair(null, `${s}${pad(s % 1000, 3)}`)),
  int(1_000_000_000, 1_999_999_999).map((s) => pair('event_time', `${s}${pad(s % 1_000_000, 6)}`)),
  // version strings
  fc.tuple(int(0, 30), int(0, 99), int(0, 999)).map(([a, b, c]) => pair(null, `${a}.${b}.${c}`)),
  fc
    .tuple(int(0, 30), int(0, 99), int(0, 255), int(0, 255))
    .map(([a, b, c, x]) => pair(null, `v${a}.${b}.${c}.${x}`)),
  fc
    .tuple(int(1, 30), int(0, 99), int(0, 255), int(0, 255))
    .map(([a, b, c, x]) => pair(null, `version ${a}.${b}.${c}.${x}`)),
  fc
    .tuple(int(1, 30), int(0, 9), int(0, 255), int(0, 255))
    .map(([a, b, c, x]) => pair('app_version', `${a}.${b}.${c}.${x}`)),
  fc
    .tuple(int(90, 130), int(1000, 9999), int(0, 300))
    .map(([a, b, c]) => pair(null, `Chrome/${a}.0.${b}.${c}`)),
  fc
    .tuple(int(0, 9), int(0, 9), int(0, 9), int(0, 9))
    .map(([a, b, c, x]) => pair(null, `${a}.${b}.${c}.${x}`)),
  // phone-like product codes
  fc.tuple(d(3), d(4)).map(([a, b]) => pair('sku', `PRD-${a}-${b}`)),
  fc.tuple(d(3), d(3), d(4)).map(([a, b, c]) => pair(null, `part ${a}-${b}-${c}-X`)),
  fc.tuple(d(3), d(2), d(4)).map(([a, b, c]) => pair('part_number', `${a}-${b}-${c}`)),
  fc.tuple(d(2), d(4), d(4)).map(([a, b, c]) => pair('product_code', `${a}-${b}-${c}`)),
  d(10).map((x) => pair('sku', `SKU${x}`)),
  d(13).map((x) => pair('ean', x)),
  // amounts, decimals, coordinates, identifiers
  fc.tuple(int(0, 99_999_999), int(0, 99)).map(([a, b]) => pair(null, `${a}.${pad(b, 2)}`)),
  fc
    .tuple(int(1, 999), int(0, 999), int(0, 999))
    .map(([a, b, c]) => pair(null, `${a},${pad(b, 3)},${pad(c, 3)}.00`)),
  fc.tuple(int(-90, 90), d(6), int(-180, 180), d(6)).map(([a, b, c, x]) => pair(null, `${a}.${b},${c}.${x}`)),
  fc
    .tuple(hex(8), hex(4), hex(4), hex(4), hex(12))
    .map(([a, b, c, x, y]) => pair('uuid', `${a}-${b}-${c}-${x}-${y}`)),
  hex(64).map((h) => pair('sha256', h)),
  // PII look-alikes that fail their validator
  d(14).map((x) => {
    const payload = `4${x}`;
    const wrong = (Number(luhnCheckDigit(payload)) + 1) % 10;
    return pair(null, `${payload}${wrong}`);
  }),
  fc.tuple(d(18), int(1, 9)).map(([bban, delta]) => {
    const check = ((Number(ibanCheckDigits('DE', bban)) - 2 + delta) % 97) + 2;
    return pair(null, `DE${pad(check, 2)}${bban}`);
  }),
  fc
    .tuple(fc.constantFrom('000', '666', '900', '950', '999'), d(2), d(4))
    .map(([a, b, c]) => pair(null, `${a}-${b}-${c}`)),
  fc.tuple(d(3), d(4)).map(([a, c]) => pair(null, `${(Number(a) % 600) + 100}-00-${c}`)),
  fc
    .tuple(
      fc.constantFrom(
        'example.com',
        'example.org',
        'foo.test',
        'corp.local',
        'localhost',
        'svc.internal',
        'x.invalid',
      ),
      d(3),
    )
    .map(([domain, n]) => pair('email', `user${n}@${domain}`)),
  fc
    .tuple(int(256, 999), int(0, 255), int(0, 255), int(0, 255))
    .map(([a, b, c, x]) => pair(null, `${a}.${b}.${c}.${x}`)),
);

describe('precision on a generated corpus of near misses', () => {
  it('finds nothing (no region)', () => {
    fc.assert(
      fc.property(nearMiss, ([column, value]) => {
        expect(found(value, column)).toEqual([]);
      }),
      { numRuns: 5000, seed: 20261128 },
    );
  });

  it('finds nothing with a phone region either', () => {
    fc.assert(
      fc.property(
        nearMiss,
        fc.constantFrom<CountryCode>('GB', 'DE', 'FR', 'ES', 'IT'),
        ([column, value], region) => {
          expect(found(value, column, region)).toEqual([]);
        },
      ),
      { numRuns: 3000, seed: 1128 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Recall: generated valid values inside ordinary text are found.

const text = fc.constantFrom('', 'Customer note: ', 'contact ', '(', 'x ');
const tail = fc.constantFrom('', '.', ' thanks', ')', ', ok');

describe('recall on generated valid values', () => {
  it("finds every supported region's example mobile number in +CC form", () => {
    const missed = getCountries()
      .map((country) => getExampleNumber(country, examples)?.formatInternational())
      .filter((n): n is string => n !== undefined)
      .filter((n) => !entities(`call ${n} now`).includes('PHONE_NUMBER'));
    expect(missed).toEqual([]);
  });

  it('finds generated cards in 4-4-4-4 groups', () => {
    fc.assert(
      fc.property(text, d(14), tail, fc.constantFrom(' ', '-'), (before, rest, after, sep) => {
        const payload = `4${rest}`;
        const card = `${payload}${luhnCheckDigit(payload)}`.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
        expect(found(`${before}${card}${after}`)).toEqual([['CREDIT_CARD', card]]);
      }),
    );
  });

  it('finds generated IBANs', () => {
    fc.assert(
      fc.property(text, d(18), tail, (before, bban, after) => {
        const iban = `DE${ibanCheckDigits('DE', bban)}${bban}`;
        expect(found(`${before}${iban}${after}`)).toEqual([['IBAN_CODE', iban]]);
      }),
    );
  });

  it('finds generated SSNs in AAA-GG-SSSS form', () => {
    fc.assert(
      fc.property(text, int(1, 899), int(1, 99), int(1, 9999), tail, (before, a, g, s, after) => {
        fc.pre(a !== 666);
        const ssn = `${pad(a, 3)}-${pad(g, 2)}-${pad(s, 4)}`;
        expect(found(`${before}${ssn}${after}`)).toEqual([['US_SSN', ssn]]);
      }),
    );
  });

  it('finds generated e-mail addresses at public suffixes', () => {
    fc.assert(
      fc.property(
        text,
        fc.stringMatching(/^[a-z][a-z0-9]{0,10}(\.[a-z0-9]{1,8})?$/),
        fc.constantFrom('gmail.com', 'outlook.fr', 'mail.company.co.uk', 'uni.edu', 'shop.de'),
        tail,
        (before, local, domain, after) => {
          const email = `${local}@${domain}`;
          expect(found(`${before}${email}${after}`)).toEqual([['EMAIL_ADDRESS', email]]);
        },
      ),
    );
  });
});
