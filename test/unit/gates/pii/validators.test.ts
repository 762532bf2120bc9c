import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IBAN_COUNTRIES } from '../../../../functions/gates/pii/iban-registry.ts';
import {
  cardScheme,
  creditCardValid,
  emailDomainValid,
  esNieValid,
  esNifLetter,
  esNifValid,
  ibanCheckDigits,
  ibanValid,
  ipKind,
  itFiscalCheckChar,
  itFiscalCodeValid,
  luhnCheckDigit,
  luhnValid,
  nhsValid,
  ssnValid,
} from '../../../../functions/gates/pii/validators.ts';

const digits = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));

/** The digit string with digit `index` replaced by another digit. */
function flip(value: string, index: number, delta: number): string {
  const d = (Number(value[index]) + delta) % 10;
  return `${value.slice(0, index)}${d}${value.slice(index + 1)}`;
}

describe('Luhn and CREDIT_CARD', () => {
  it.each([
    ['4111111111111111', 'visa'],
    ['4012888888881881', 'visa'],
    ['4222222222222', 'visa'],
    ['5555555555554444', 'mastercard'],
    ['2223003122003222', 'mastercard'],
    ['378282246310005', 'amex'],
    ['371449635398431', 'amex'],
    ['6011111111111117', 'discover'],
    ['3530111333300000', 'jcb'],
    ['30569309025904', 'diners'],
    ['6200000000000005', 'unionpay'],
  ])('accepts the test card %s (%s)', (card, scheme) => {
    expect(cardScheme(card)).toBe(scheme);
    expect(creditCardValid(card)).toBe(true);
  });

  it.each([
    ['4111111111111112', 'Luhn fails'],
    ['1234567890123452', 'no scheme starts with 1 (epoch timestamps, most order numbers)'],
    ['9111111111111119', 'no scheme starts with 9'],
    ['411111111111', 'too short'],
    ['41111111111111111111', 'too long'],
    ['378282246310005000', 'Amex is 15 digits'],
    ['0000000000000000', 'passes Luhn, no scheme'],
    ['4111-1111-1111-1111', 'not normalised'],
  ])('rejects %s (%s)', (card) => {
    expect(creditCardValid(card)).toBe(false);
  });

  it('property: a payload completed with its Luhn check digit always validates', () => {
    fc.assert(
      fc.property(digits(12, 18), (payload) => {
        expect(luhnValid(`${payload}${luhnCheckDigit(payload)}`)).toBe(true);
      }),
    );
  });

  it('property: a Visa number with a valid check digit is a card', () => {
    fc.assert(
      fc.property(fc.constantFrom(13, 16, 19), digits(18, 18), (length, rest) => {
        const payload = `4${rest.slice(0, length - 2)}`;
        expect(creditCardValid(`${payload}${luhnCheckDigit(payload)}`)).toBe(true);
      }),
    );
  });

  it('property: changing any one digit of a valid Luhn number never validates', () => {
    fc.assert(
      fc.property(digits(12, 18), fc.nat(), fc.integer({ min: 1, max: 9 }), (payload, at, delta) => {
        const valid = `${payload}${luhnCheckDigit(payload)}`;
        const changed = flip(valid, at % valid.length, delta);
        expect(luhnValid(changed)).toBe(false);
        expect(creditCardValid(changed)).toBe(false);
      }),
    );
  });
});

describe('IBAN_CODE', () => {
  it.each([
    'GB82WEST12345698765432',
    'DE89370400440532013000',
    'FR1420041010050500013M02606',
    'NL91ABNA0417164300',
    'BE68539007547034',
    'NO9386011117947',
    'MT84MALT011000012345MTLCAST001S',
    'IT60X0542811101000000123456',
    'ES9121000418450200051332',
    'CH9300762011623852957',
    'SA0380000000608010167519',
  ])('accepts %s', (iban) => {
    expect(ibanValid(iban)).toBe(true);
  });

  it.each([
    ['GB82WEST12345698765433', 'mod 97 fails'],
    ['GB82WEST1234569876543', 'one character short of the GB length'],
    ['DE89370400440532013000X', 'longer than the DE length'],
    ['US12345678901234567890', 'the US has no IBAN'],
    ['GB8212345612345698765432', 'GB BBAN starts with four letters'],
    ['DE8937040044053201300A', 'DE BBAN is digits only'],
    ['de89370400440532013000', 'lower case is not the compact form'],
  ])('rejects %s (%s)', (iban) => {
    expect(ibanValid(iban)).toBe(false);
  });

  it('rejects check digits 00, 01 and 99 even when mod 97 is 1 (ISO 13616 assigns 02-98)', () => {
    // 98 - r for this BBAN is 98 or 97 or 2: pick a BBAN whose check digits are 02, then use 99 (= 2 + 97).
    let bban = '';
    for (let n = 0; n < 100_000; n++) {
      bban = String(n).padStart(18, '0');
      if (ibanCheckDigits('DE', bban) === '02') break;
    }
    expect(ibanValid(`DE02${bban}`)).toBe(true);
    expect(ibanValid(`DE99${bban}`)).toBe(false);
  });

  it('every registry country: 4 + BBAN length is its IBAN length', () => {
    expect(IBAN_COUNTRIES.size).toBeGreaterThanOrEqual(85);
    expect(IBAN_COUNTRIES.get('GB')?.length).toBe(22);
    expect(IBAN_COUNTRIES.get('NO')?.length).toBe(15);
    expect(IBAN_COUNTRIES.get('LC')?.length).toBe(32);
    expect(IBAN_COUNTRIES.get('RU')?.length).toBe(33);
  });

  /** A random BBAN of the country's structure (n digits, a letters, c either). */
  const bbanFor = (country: string) => {
    const format = IBAN_COUNTRIES.get(country)?.bban.source ?? '';
    const parts = [...format.matchAll(/\[([^\]]+)\]\{(\d+)\}/g)].map((m) => ({
      alphabet:
        m[1] === '0-9'
          ? '0123456789'
          : m[1] === 'A-Z'
            ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
            : '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      count: Number(m[2]),
    }));
    return fc
      .tuple(
        ...parts.map((p) =>
          fc.array(fc.constantFrom(...p.alphabet), { minLength: p.count, maxLength: p.count }),
        ),
      )
      .map((groups) => groups.map((g) => g.join('')).join(''));
  };
  const countryAndBban = fc
    .constantFrom(...IBAN_COUNTRIES.keys())
    .chain((country) => bbanFor(country).map((bban) => ({ country, bban })));

  it('property: an IBAN with recomputed check digits validates', () => {
    fc.assert(
      fc.property(countryAndBban, ({ country, bban }) => {
        expect(ibanValid(`${country}${ibanCheckDigits(country, bban)}${bban}`)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('property: altering one BBAN character or the check digits fails', () => {
    fc.assert(
      fc.property(
        countryAndBban,
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        ({ country, bban }, at, delta) => {
          const check = ibanCheckDigits(country, bban);
          const digitsAt = [...bban].flatMap((c, i) => (/\d/.test(c) ? [i] : []));
          fc.pre(digitsAt.length > 0);
          const i = digitsAt[at % digitsAt.length] as number;
          // Changing one digit changes the number by d * 10^k, never a multiple of 97.
          expect(ibanValid(`${country}${check}${flip(bban, i, delta)}`)).toBe(false);
          const otherCheck = String(((Number(check) - 2 + delta) % 97) + 2).padStart(2, '0');
          expect(ibanValid(`${country}${otherCheck}${bban}`)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('US_SSN (SSA rules)', () => {
  it.each([
    ['078', '05', '1120'],
    ['123', '45', '6789'],
    ['001', '01', '0001'],
    ['899', '99', '9999'],
    ['665', '12', '3456'],
    ['667', '12', '3456'],
  ])('accepts %s-%s-%s', (area, group, serial) => {
    expect(ssnValid(area, group, serial)).toBe(true);
  });

  it.each([
    ['000', '12', '3456', 'area 000'],
    ['666', '12', '3456', 'area 666'],
    ['900', '12', '3456', 'area 900-999'],
    ['999', '12', '3456', 'area 900-999'],
    ['123', '00', '4567', 'group 00'],
    ['123', '45', '0000', 'serial 0000'],
    ['12', '345', '6789', 'not 3-2-4'],
  ])('rejects %s-%s-%s (%s)', (area, group, serial) => {
    expect(ssnValid(area, group, serial)).toBe(false);
  });

  it('property: a generated SSN is accepted exactly when it obeys the SSA rules', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 9999 }),
        (a, g, s) => {
          const obeys = a !== 0 && a !== 666 && a < 900 && g !== 0 && s !== 0;
          const ssn = [
            String(a).padStart(3, '0'),
            String(g).padStart(2, '0'),
            String(s).padStart(4, '0'),
          ] as const;
          expect(ssnValid(...ssn)).toBe(obeys);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('UK_NHS (mod 11)', () => {
  it('accepts valid numbers and rejects altered ones', () => {
    expect(nhsValid('9434765919')).toBe(true);
    expect(nhsValid('4010232137')).toBe(true);
    expect(nhsValid('9434765918')).toBe(false);
    expect(nhsValid('943476591')).toBe(false);
  });

  it('property: accepted exactly when the mod-11 check digit matches (check 10 never issued)', () => {
    fc.assert(
      fc.property(digits(9, 9), fc.integer({ min: 0, max: 9 }), (nine, last) => {
        const sum = [...nine].reduce((acc, d, i) => acc + Number(d) * (10 - i), 0);
        const check = (11 - (sum % 11)) % 11;
        expect(nhsValid(`${nine}${last}`)).toBe(check !== 10 && check === last);
      }),
    );
  });
});

describe('ES_NIF and ES_NIE (mod 23 letter)', () => {
  it('checks the letter', () => {
    expect(esNifValid('12345678', 'Z')).toBe(true);
    expect(esNifValid('12345678', 'A')).toBe(false);
    expect(esNieValid('X', '1234567', 'L')).toBe(true);
    expect(esNieValid('Y', '1234567', 'X')).toBe(true);
    expect(esNieValid('Z', '1234567', 'R')).toBe(true);
    expect(esNieValid('X', '1234567', 'M')).toBe(false);
    expect(esNieValid('W', '1234567', 'L')).toBe(false);
  });

  it('property: exactly one letter completes eight digits', () => {
    fc.assert(
      fc.property(digits(8, 8), (eight) => {
        const valid = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].filter((letter) => esNifValid(eight, letter));
        expect(valid).toEqual([esNifLetter(eight)]);
      }),
    );
  });
});

describe('IT_FISCAL_CODE (check character)', () => {
  it('accepts a valid code, also with omocodia, and rejects a wrong check character or day', () => {
    expect(itFiscalCodeValid('RSSMRA85T10A562S')).toBe(true);
    // Omocodia: the last digit of the municipality code 2 -> N, and the check character recomputed.
    const omocode = `RSSMRA85T10A56N`;
    expect(itFiscalCodeValid(`${omocode}${itFiscalCheckChar(omocode)}`)).toBe(true);
    expect(itFiscalCodeValid('RSSMRA85T10A562T')).toBe(false);
    const badDay = 'RSSMRA85T35A562';
    expect(itFiscalCodeValid(`${badDay}${itFiscalCheckChar(badDay)}`)).toBe(false);
    const badMonth = 'RSSMRA85F10A562';
    expect(itFiscalCodeValid(`${badMonth}${itFiscalCheckChar(badMonth)}`)).toBe(false);
  });
});

describe('EMAIL_ADDRESS domains and IP_ADDRESS kinds', () => {
  it.each([
    ['gmail.com', true],
    ['mail.company.co.uk', true],
    ['example.com', false],
    ['sub.example.org', false],
    ['foo.test', false],
    ['foo.invalid', false],
    ['localhost', false],
    ['host.local', false],
    ['host.internal', false],
    ['co.uk', false],
    ['192.168.1.1', false],
    ['foo.notatld', false],
  ])('%s is a real domain: %s', (domain, real) => {
    expect(emailDomainValid(domain)).toBe(real);
  });

  it.each([
    ['81.2.69.160', 'public'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.0.10', 'private'],
    ['100.64.0.1', 'private'],
    ['127.0.0.1', 'special'],
    ['0.0.0.0', 'special'],
    ['255.255.255.255', 'special'],
    ['224.0.0.1', 'special'],
    ['192.0.2.1', 'special'],
    ['2001:4860:4860::8888', 'public'],
    ['fe80::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['::1', 'special'],
    ['::', 'special'],
    ['2001:db8::1', 'special'],
    ['::ffff:81.2.69.160', 'public'],
    ['999.1.1.1', null],
  ])('%s is %s', (address, kind) => {
    expect(ipKind(address)).toBe(kind);
  });
});
