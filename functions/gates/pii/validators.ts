/**
 * Checksums and issuing rules: a candidate counts as PII only when its validator passes. Each function
 * takes the value already normalised (separators removed) and never throws.
 */
import { isIP } from 'node:net';
import { parse as parseDomain } from 'tldts';
import { IBAN_COUNTRIES } from './iban-registry.ts';

/** Luhn (mod 10) over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** The digit that makes `payload + digit` pass Luhn. */
export function luhnCheckDigit(payload: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(`${payload}${d}`)) return String(d);
  throw new Error('unreachable: one of ten digits always completes a Luhn number');
}

interface CardScheme {
  name: string;
  /** Inclusive ranges of the leading digits (all bounds of one range have the same number of digits). */
  prefixes: readonly (readonly [number, number])[];
  lengths: readonly number[];
}

const range = (from: number, to: number) => [from, to] as const;
const one = (prefix: number) => [prefix, prefix] as const;
const lengths = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Issuer identification number ranges and lengths of the card schemes in circulation. A 13-19 digit
 * number that starts like no scheme (e.g. 1 or 9, as epoch timestamps and most order numbers do) is no card.
 */
const CARD_SCHEMES: readonly CardScheme[] = [
  { name: 'visa', prefixes: [one(4)], lengths: [13, 16, 19] },
  { name: 'mastercard', prefixes: [range(51, 55), range(2221, 2720)], lengths: [16] },
  { name: 'amex', prefixes: [one(34), one(37)], lengths: [15] },
  {
    name: 'diners',
    prefixes: [range(300, 305), one(3095), one(36), range(38, 39)],
    lengths: lengths(14, 19),
  },
  { name: 'jcb', prefixes: [range(3528, 3589)], lengths: lengths(16, 19) },
  {
    name: 'discover',
    prefixes: [one(6011), range(644, 649), one(65), range(622126, 622925)],
    lengths: lengths(16, 19),
  },
  { name: 'unionpay', prefixes: [one(62), one(81)], lengths: lengths(16, 19) },
  {
    name: 'maestro',
    prefixes: [one(5018), one(5020), one(5038), one(5893), one(6304), range(6759, 6763)],
    lengths: lengths(13, 19),
  },
  { name: 'mir', prefixes: [range(2200, 2204)], lengths: lengths(16, 19) },
  { name: 'rupay', prefixes: [one(60), one(508), one(82)], lengths: [16] },
];

/** The scheme whose issuer ranges and lengths admit these digits, or null. */
export function cardScheme(digits: string): string | null {
  for (const scheme of CARD_SCHEMES) {
    if (!scheme.lengths.includes(digits.length)) continue;
    for (const [from, to] of scheme.prefixes) {
      const width = String(from).length;
      const lead = Number(digits.slice(0, width));
      if (lead >= from && lead <= to) return scheme.name;
    }
  }
  return null;
}

/** CREDIT_CARD: 13-19 digits, a known scheme's issuer range and length, Luhn valid. */
export function creditCardValid(digits: string): boolean {
  // Luhn first: it is cheap and rejects nine candidates in ten.
  return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) && cardScheme(digits) !== null;
}

/** The IBAN's rearranged form (BBAN, country, check digits) mod 97, letters as A=10 ... Z=35. */
function ibanMod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    if (code >= 48 && code <= 57) remainder = (remainder * 10 + (code - 48)) % 97;
    else if (code >= 65 && code <= 90) remainder = (remainder * 100 + (code - 55)) % 97;
    else return -1;
  }
  return remainder;
}

/** The two check digits ISO 13616 assigns to a country's BBAN. */
export function ibanCheckDigits(country: string, bban: string): string {
  const check = 98 - ibanMod97(`${country}00${bban}`);
  return String(check).padStart(2, '0');
}

/**
 * IBAN_CODE, compact upper-case form: a registry country, its length, its BBAN structure, check digits
 * 02-98 (the only ones ISO 13616 assigns) and mod-97 of the rearranged number equal to 1.
 */
export function ibanValid(iban: string): boolean {
  const spec = IBAN_COUNTRIES.get(iban.slice(0, 2));
  if (!spec || iban.length !== spec.length) return false;
  if (!/^\d\d$/.test(iban.slice(2, 4))) return false;
  const check = Number(iban.slice(2, 4));
  if (check < 2 || check > 98) return false;
  return spec.bban.test(iban.slice(4)) && ibanMod97(iban) === 1;
}

/** The IBAN length of a registry country, or undefined. */
export function ibanLength(country: string): number | undefined {
  return IBAN_COUNTRIES.get(country)?.length;
}

/**
 * US_SSN: area, group and serial as the Social Security Administration issues them: never area 000,
 * 666 or 900-999, never group 00, never serial 0000.
 */
export function ssnValid(area: string, group: string, serial: string): boolean {
  if (!/^\d{3}$/.test(area) || !/^\d{2}$/.test(group) || !/^\d{4}$/.test(serial)) return false;
  const a = Number(area);
  return a !== 0 && a !== 666 && a < 900 && group !== '00' && serial !== '0000';
}

/** UK_NHS: 10 digits, the last a mod-11 check over the first nine (weights 10 to 2); check 10 is never issued. */
export function nhsValid(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (digits.charCodeAt(i) - 48) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === digits.charCodeAt(9) - 48;
}

const NIF_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** ES_NIF (DNI): 8 digits and the letter of their value mod 23. */
export function esNifValid(digits: string, letter: string): boolean {
  return /^\d{8}$/.test(digits) && NIF_LETTERS[Number(digits) % 23] === letter;
}

/** ES_NIE: X, Y or Z (read as 0, 1, 2), 7 digits and the letter of the 8-digit number mod 23. */
export function esNieValid(prefix: string, digits: string, letter: string): boolean {
  const lead = 'XYZ'.indexOf(prefix);
  return lead >= 0 && /^\d{7}$/.test(digits) && NIF_LETTERS[Number(`${lead}${digits}`) % 23] === letter;
}

/** The NIF letter for 8 digits. */
export function esNifLetter(digits: string): string {
  return NIF_LETTERS[Number(digits) % 23] as string;
}

// Values of a character in an odd (1st, 3rd, ...) position of an Italian fiscal code; digits share the
// values of the letters A-J.
const IT_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
const IT_MONTHS = 'ABCDEHLMPRST';
/** Omocodia: a digit replaced by a letter, when two people would otherwise share a code. */
const IT_OMOCODE = 'LMNPQRSTUV';
const IT_NUMERIC_POSITIONS = [6, 7, 9, 10, 12, 13, 14];

function itValue(char: string): number {
  const code = char.charCodeAt(0);
  return code <= 57 ? code - 48 : code - 65;
}

/** The check character of the first 15 characters of an Italian fiscal code. */
export function itFiscalCheckChar(first15: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const v = itValue(first15[i] as string);
    sum += i % 2 === 0 ? (IT_ODD[v] as number) : v;
  }
  return String.fromCharCode(65 + (sum % 26));
}

/**
 * IT_FISCAL_CODE: 6 letters (surname, name), year, month letter, day (41-71 for women), municipality
 * letter and 3 digits (digits possibly replaced by omocodia letters), and the check character.
 */
export function itFiscalCodeValid(code: string): boolean {
  if (
    !/^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/.test(code)
  ) {
    return false;
  }
  const decoded = [...code];
  for (const i of IT_NUMERIC_POSITIONS) {
    const omocode = IT_OMOCODE.indexOf(decoded[i] as string);
    if (omocode >= 0) decoded[i] = String(omocode);
  }
  const day = Number(`${decoded[9]}${decoded[10]}`);
  if (!((day >= 1 && day <= 31) || (day >= 41 && day <= 71))) return false;
  if (!IT_MONTHS.includes(code[8] as string)) return false;
  return itFiscalCheckChar(code.slice(0, 15)) === code[15];
}

/** Second-level names reserved for documentation (RFC 2606); their top-level siblings are not public suffixes. */
const RESERVED_DOMAINS = new Set(['example.com', 'example.net', 'example.org', 'example.edu']);
const RESERVED_TLDS = new Set(['test', 'example', 'invalid', 'localhost', 'local', 'internal']);

/**
 * A real e-mail domain: a registrable name under an ICANN public suffix (per the Public Suffix List in
 * tldts), not an IP literal and not a name reserved for tests and documentation.
 */
export function emailDomainValid(domain: string): boolean {
  const host = domain.toLowerCase();
  const parsed = parseDomain(host, { allowPrivateDomains: false });
  if (parsed.isIp || parsed.isIcann !== true || !parsed.domain || !parsed.publicSuffix) return false;
  if (RESERVED_DOMAINS.has(parsed.domain)) return false;
  const tld = host.slice(host.lastIndexOf('.') + 1);
  return !RESERVED_TLDS.has(tld);
}

export type IpKind = 'public' | 'private' | 'special';

/**
 * What an IP address can say about a person. `special` addresses (unspecified, loopback, broadcast,
 * multicast, documentation, reserved) identify no one; `private` ones (RFC 1918, link-local, unique
 * local) a device inside one network; `public` ones a subscriber.
 */
export function ipKind(address: string): IpKind | null {
  const version = isIP(address);
  if (version === 4) return ipv4Kind(address.split('.').map(Number));
  if (version !== 6) return null;
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped?.[1]) return ipv4Kind(mapped[1].split('.').map(Number));
  const groups = expandIpv6(lower);
  if (!groups) return null;
  const [g0 = 0, g1 = 0] = groups;
  if (groups.every((g) => g === 0)) return 'special'; // ::
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return 'special'; // ::1
  if (g0 === 0x2001 && g1 === 0x0db8) return 'special'; // documentation, RFC 3849
  if (g0 >= 0xff00) return 'special'; // multicast
  if (g0 >= 0xfe80 && g0 <= 0xfebf) return 'private'; // link-local
  if (g0 >= 0xfc00 && g0 <= 0xfdff) return 'private'; // unique local
  if (g0 === 0) return 'special'; // other ::/16 forms (compatible, reserved)
  return 'public';
}

function ipv4Kind(octets: number[]): IpKind {
  const [a = 0, b = 0, c = 0] = octets;
  if (a === 0 || a === 127 || a >= 224) return 'special'; // this network, loopback, multicast, reserved, broadcast
  if (
    (a === 192 && b === 0 && c === 2) ||
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113)
  ) {
    return 'special'; // documentation, RFC 5737
  }
  if (a === 198 && (b === 18 || b === 19)) return 'special'; // benchmarking, RFC 2544
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 169 && b === 254) return 'private'; // link-local
  if (a === 100 && b >= 64 && b <= 127) return 'private'; // carrier-grade NAT
  return 'public';
}

function expandIpv6(address: string): number[] | null {
  const zone = address.indexOf('%');
  const plain = zone >= 0 ? address.slice(0, zone) : address;
  let text = plain;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  if (halves.length === 1) return parse(text);
  const head = parse(halves[0] ?? '');
  const tail = parse(halves[1] ?? '');
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}
