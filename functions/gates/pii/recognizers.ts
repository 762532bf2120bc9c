/**
 * Finds PII in one field (a CSV cell, a JSON string, a Parquet value or a text line).
 *
 * Each recogniser proposes candidates with a cheap pattern, and a candidate counts only when its validator
 * passes (checksum, issuing rules, libphonenumber metadata, public suffix). Its score then depends on its
 * form and context:
 * - a strong form (a card in 4-4-4-4 groups, an SSN as AAA-GG-SSSS, a phone number in +CC form, an e-mail,
 *   an IBAN, an Italian fiscal code) is reported on its own;
 * - a weak form (bare digits that any identifier could imitate: 9 digits for an SSN, 10 for an NHS number,
 *   a national phone number) is reported only with a positive hint, from the column name or the words
 *   right before it;
 * - an identifier-like column (`order_id`, `sku`, `timestamp`, ...) lowers digit-only forms by 0.3.
 * Matches scoring below `minScore` (default 0.5) are dropped; overlapping matches keep the best one.
 */
import emailAddresses from 'email-addresses';
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { PiiEntity, PiiMatch } from './entities.ts';
import { type Hints, inlineHints, NO_HINTS, VERSION_WORDS } from './hints.ts';
import { maskPreview } from './mask.ts';
import {
  creditCardValid,
  emailDomainValid,
  esNieValid,
  esNifValid,
  ibanLength,
  ibanValid,
  ipKind,
  itFiscalCodeValid,
  nhsValid,
  ssnValid,
} from './validators.ts';

export interface RecognizerOptions {
  /** ISO 3166 region of national phone numbers (e.g. `GB`); without one, only +CC numbers are read. */
  region?: CountryCode | undefined;
  /** Matches scoring below this are dropped (0..1, default 0.5). */
  minScore?: number | undefined;
}

export const DEFAULT_MIN_SCORE = 0.5;

export function supportedRegion(region: string): region is CountryCode {
  return isSupportedCountry(region);
}

interface Candidate {
  entity: PiiEntity;
  start: number;
  end: number;
  /** Score without a positive hint (0: reported only with one). */
  base: number;
  /** Score with a positive hint for this entity. */
  hinted: number;
  /** Digit-only form that identifiers imitate: an identifier-like context lowers it. */
  numeric: boolean;
}

/** Lowered score of a digit-only form in an identifier-like context. */
const NEGATIVE_PENALTY = 0.3;

// Boundaries: a candidate is not a piece of a longer number, word, decimal, path or version.
const NB = String.raw`(?<![\w.,+/-])`;
const NA = String.raw`(?![\w/]|[.,-]\d)`;

const CARD_GROUPED = new RegExp(
  String.raw`${NB}(?:\d{4}([ -])\d{4}\1\d{4}\1(?:\d{4}\1\d{1,3}|\d{1,4})|\d{4}([ -])\d{6}\2\d{4,5})${NA}`,
  'g',
);
const CARD_BARE = new RegExp(String.raw`${NB}\d{13,19}${NA}`, 'g');
const SSN = new RegExp(String.raw`${NB}(\d{3})([- ]?)(\d{2})\2(\d{4})${NA}`, 'g');
const NHS = new RegExp(String.raw`${NB}(\d{3})([- ]?)(\d{3})\2(\d{4})${NA}`, 'g');
const NIF = new RegExp(String.raw`${NB}(\d{8})-?([A-Z])(?!\w)`, 'g');
const NIE = new RegExp(String.raw`${NB}([XYZ])-?(\d{7})-?([A-Z])(?!\w)`, 'g');
const IT_FISCAL =
  /(?<![A-Za-z0-9])[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z](?![A-Za-z0-9])/g;
const IBAN_COMPACT = /(?<![A-Za-z0-9])([A-Z]{2})\d{2}[A-Z0-9]{11,30}(?![A-Za-z0-9])/g;
const IBAN_GROUPED =
  /(?<![A-Za-z0-9])([A-Z]{2})\d{2}(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?(?![A-Za-z0-9])/g;
const PHONE_INTL = /(?<![\w+])\+[1-9]\d{0,14}(?:[ .-]?\(\d{1,5}\)|[ .\-/]\d{1,10}){0,7}(?!\w)/g;
const PHONE_NATIONAL =
  /(?<![\w+.,/:-])(?:\(\d{2,5}\)[ .-]?|\d{2,5}[ .-])\d{2,4}(?:[ .-]\d{2,5}){0,3}(?![\w/:]|[.,-]\d)/g;
const PHONE_BARE = /(?<![\w+.,/:-])\d{7,15}(?![\w/:]|[.,-]\d)/g;
const DATE_LIKE = /^\d{1,4}([./ -])\d{1,2}\1\d{1,4}$/;
/** Dotted numbers of three or four groups are versions and addresses (French numbers have five groups). */
const DOTTED = /^\d+(?:\.\d+){2,3}$/;
/** RFC 5322 dot-atom local part (with RFC 6532 UTF-8 letters), a host name, a top-level label of letters. */
const EMAIL =
  /(?<![\p{L}\p{N}\p{M}_.!#$%&'*+/=?^`{|}~-])[\p{L}\p{N}\p{M}_!#$%&'*+/=?^`{|}~-]+(?:\.[\p{L}\p{N}\p{M}_!#$%&'*+/=?^`{|}~-]+)*@(?:[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}-]{0,61}[\p{L}\p{N}\p{M}])?\.)+\p{L}[\p{L}\p{N}\p{M}-]{0,61}[\p{L}\p{N}\p{M}](?![\p{L}\p{N}\p{M}_-]|\.[\p{L}\p{N}]|:[\p{L}\p{N}_/])/gu;
const IPV4 = /(?<![\w.-]|\w\/)(?:\d{1,3}\.){3}\d{1,3}(?![\w-]|\.\d)/g;
const IPV6 =
  /(?<![\w:.-])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?![\w:-]|\.\w)/g;

/** Calls fn for each match of a global pattern (exec in a loop: cheaper than matchAll's iterator). */
function eachMatch(pattern: RegExp, value: string, fn: (m: RegExpExecArray) => void): void {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(value); m !== null; m = pattern.exec(value)) fn(m);
}

/** Per-value counts that decide which recognisers can possibly match. */
interface Shape {
  digits: number;
  upper: number;
  dots: number;
  colons: number;
  plus: boolean;
  at: boolean;
}

function shapeOf(value: string): Shape {
  let digits = 0;
  let upper = 0;
  let dots = 0;
  let colons = 0;
  let plus = false;
  let at = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) upper++;
    else if (c === 46) dots++;
    else if (c === 58) colons++;
    else if (c === 43) plus = true;
    else if (c === 64) at = true;
  }
  return { digits, upper, dots, colons, plus, at };
}

/**
 * The PII in one value, best match first per span, in order of position. `column` are the hints of the
 * value's column (see columnHints), computed once per column by the caller.
 */
export function recognize(
  value: string,
  column: Hints = NO_HINTS,
  options: RecognizerOptions = {},
): PiiMatch[] {
  if (value.length < 6) return [];
  const s = shapeOf(value);
  if (s.digits === 0 && !s.at) return [];
  const candidates: Candidate[] = [];
  const hinted = column.positive;
  const region = options.region;

  if (s.at) emails(value, candidates);
  if (s.digits >= 13) cards(value, candidates);
  if (s.digits >= 9) ssns(value, candidates);
  if (s.digits >= 10) nhsNumbers(value, candidates);
  if (s.digits >= 7) phones(value, s, hinted.has('PHONE_NUMBER'), region, candidates);
  if (s.dots >= 3 && s.digits >= 4 && !column.version) ipv4s(value, candidates);
  // An IPv6 address has `::` or at least six colons; timestamps and MAC addresses have fewer.
  if (s.colons >= 6 || (s.colons >= 2 && value.includes('::'))) ipv6s(value, candidates);
  if (s.digits >= 2 && value.length >= 15 && (s.upper >= 2 || hinted.has('IBAN_CODE'))) {
    ibans(hinted.has('IBAN_CODE') ? value.toUpperCase() : value, candidates);
  }
  if (s.digits >= 7 && (s.upper >= 1 || hinted.has('ES_NIF') || hinted.has('ES_NIE'))) {
    spanishIds(hinted.has('ES_NIF') || hinted.has('ES_NIE') ? value.toUpperCase() : value, candidates);
  }
  if (value.length >= 16 && (s.upper >= 9 || hinted.has('IT_FISCAL_CODE'))) {
    italianFiscalCodes(hinted.has('IT_FISCAL_CODE') ? value.toUpperCase() : value, candidates);
  }
  if (candidates.length === 0) return [];
  return resolve(value, candidates, column, options.minScore ?? DEFAULT_MIN_SCORE);
}

function resolve(value: string, candidates: Candidate[], column: Hints, minScore: number): PiiMatch[] {
  const scored: PiiMatch[] = [];
  for (const c of candidates) {
    const score = scoreOf(value, c, column);
    if (score >= minScore) {
      scored.push({
        entity: c.entity,
        start: c.start,
        end: c.end,
        score,
        preview: maskPreview(c.entity, value.slice(c.start, c.end)),
      });
    }
  }
  if (scored.length <= 1) return scored;
  scored.sort((a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: PiiMatch[] = [];
  for (const m of scored) {
    if (kept.every((k) => m.end <= k.start || m.start >= k.end)) kept.push(m);
  }
  return kept.sort((a, b) => a.start - b.start);
}

function scoreOf(value: string, c: Candidate, column: Hints): number {
  if (column.positive.has(c.entity)) return c.hinted;
  const inline = inlineHints(value, c.start);
  if (inline.positive.has(c.entity)) return c.hinted;
  if (c.base === 0) return 0;
  const negative = c.numeric && (column.negative || inline.negative);
  return round(negative ? c.base - NEGATIVE_PENALTY : c.base);
}

const round = (n: number) => Math.round(n * 100) / 100;

function push(
  out: Candidate[],
  entity: PiiEntity,
  start: number,
  end: number,
  base: number,
  hinted: number,
  numeric: boolean,
): void {
  out.push({ entity, start, end, base, hinted, numeric });
}

/** Domains seen, real or not: data repeats its domains, and the Public Suffix List lookup is the cost. */
const domainCache = new Map<string, boolean>();
const DOMAIN_CACHE_SIZE = 10_000;

function realDomain(domain: string): boolean {
  const key = domain.toLowerCase();
  let real = domainCache.get(key);
  if (real === undefined) {
    real = emailDomainValid(key);
    if (domainCache.size >= DOMAIN_CACHE_SIZE) domainCache.clear();
    domainCache.set(key, real);
  }
  return real;
}

function emails(value: string, out: Candidate[]): void {
  eachMatch(EMAIL, value, (m) => {
    const address = m[0];
    if (address.length > 254) return;
    const at = address.lastIndexOf('@');
    if (at > 64) return;
    // The domain first: it is cheap (cached) and rejects most look-alikes; the RFC 5322 parse is not.
    if (!realDomain(address.slice(at + 1))) return;
    const parsed = emailAddresses.parseOneAddress({ input: address, rfc6532: true });
    if (parsed?.type !== 'mailbox' || parsed.address !== address) return;
    push(out, 'EMAIL_ADDRESS', m.index, m.index + address.length, 0.9, 1, false);
  });
}

function cards(value: string, out: Candidate[]): void {
  eachMatch(CARD_GROUPED, value, (m) => {
    if (creditCardValid(m[0].replace(/\D/g, ''))) {
      push(out, 'CREDIT_CARD', m.index, m.index + m[0].length, 0.9, 1, true);
    }
  });
  eachMatch(CARD_BARE, value, (m) => {
    if (creditCardValid(m[0])) push(out, 'CREDIT_CARD', m.index, m.index + m[0].length, 0.6, 0.95, true);
  });
}

function ssns(value: string, out: Candidate[]): void {
  eachMatch(SSN, value, (m) => {
    const [, area = '', separator, group = '', serial = ''] = m;
    if (!ssnValid(area, group, serial)) return;
    // AAA-GG-SSSS stands on its own; spaces or bare digits need a hint.
    const [base, hinted] = separator === '-' ? [0.7, 0.95] : separator === ' ' ? [0.4, 0.9] : [0, 0.75];
    push(out, 'US_SSN', m.index, m.index + m[0].length, base, hinted, true);
  });
}

function nhsNumbers(value: string, out: Candidate[]): void {
  eachMatch(NHS, value, (m) => {
    const [, a = '', separator, b = '', c = ''] = m;
    if (!nhsValid(`${a}${b}${c}`)) return;
    // One 10-digit number in 11 passes mod 11: without a hint an NHS number is too easily a phone or an id.
    const [base, hinted] = separator === ' ' ? [0.4, 0.9] : separator === '-' ? [0.3, 0.9] : [0, 0.8];
    push(out, 'UK_NHS', m.index, m.index + m[0].length, base, hinted, true);
  });
}

function spanishIds(value: string, out: Candidate[]): void {
  eachMatch(NIF, value, (m) => {
    const [, digits = '', letter = ''] = m;
    if (esNifValid(digits, letter)) push(out, 'ES_NIF', m.index, m.index + m[0].length, 0.6, 0.95, true);
  });
  eachMatch(NIE, value, (m) => {
    const [, prefix = '', digits = '', letter = ''] = m;
    if (esNieValid(prefix, digits, letter)) {
      push(out, 'ES_NIE', m.index, m.index + m[0].length, 0.7, 0.95, true);
    }
  });
}

function italianFiscalCodes(value: string, out: Candidate[]): void {
  eachMatch(IT_FISCAL, value, (m) => {
    if (itFiscalCodeValid(m[0])) push(out, 'IT_FISCAL_CODE', m.index, m.index + 16, 0.9, 1, false);
  });
}

function ibans(value: string, out: Candidate[]): void {
  eachMatch(IBAN_COMPACT, value, (m) => {
    if (ibanValid(m[0])) push(out, 'IBAN_CODE', m.index, m.index + m[0].length, 0.9, 1, false);
  });
  eachMatch(IBAN_GROUPED, value, (m) => {
    const length = ibanLength(m[1] ?? '');
    if (!length) return;
    // Print form: groups of four. The pattern may take a following short word as a last group; the
    // country's length says where the IBAN ends, which must be at a group boundary.
    let taken = 0;
    let end = 0;
    const text = m[0];
    while (end < text.length && taken < length) {
      if (text[end] !== ' ') taken++;
      end++;
    }
    if (taken < length || (end < text.length && text[end] !== ' ')) return;
    if (ibanValid(text.slice(0, end).replaceAll(' ', ''))) {
      push(out, 'IBAN_CODE', m.index, m.index + end, 0.95, 1, false);
    }
  });
}

function ipv4s(value: string, out: Candidate[]): void {
  eachMatch(IPV4, value, (m) => {
    const address = m[0];
    const kind = ipKind(address);
    if (!kind || kind === 'special') return;
    // 1.2.3.4-like quads are version numbers far more often than addresses (and such addresses belong to
    // infrastructure blocks, not subscribers); so is a quad after "v", "version", "build", ...
    if (/^\d\.\d\.\d\.\d$/.test(address)) return;
    const before = value.slice(Math.max(0, m.index - 16), m.index).toLowerCase();
    const lastWord = /([a-z]+)[\s:=#]*$/.exec(before)?.[1];
    if (lastWord && VERSION_WORDS.has(lastWord)) return;
    const [base, hinted] = kind === 'public' ? [0.8, 0.95] : [0.6, 0.9];
    push(out, 'IP_ADDRESS', m.index, m.index + address.length, base, hinted, true);
  });
}

function ipv6s(value: string, out: Candidate[]): void {
  eachMatch(IPV6, value, (m) => {
    const address = m[0];
    if ((address.match(/[0-9A-Fa-f]/g)?.length ?? 0) < 5) return;
    const kind = ipKind(address);
    if (!kind || kind === 'special') return;
    const [base, hinted] = kind === 'public' ? [0.8, 0.95] : [0.6, 0.9];
    push(out, 'IP_ADDRESS', m.index, m.index + address.length, base, hinted, false);
  });
}

function phones(
  value: string,
  s: Shape,
  hinted: boolean,
  region: CountryCode | undefined,
  out: Candidate[],
): void {
  if (s.plus) {
    eachMatch(PHONE_INTL, value, (m) => {
      const end = validPhonePrefix(m[0], undefined);
      if (end > 0) push(out, 'PHONE_NUMBER', m.index, m.index + end, 0.75, 0.95, true);
    });
  }
  if (region) {
    eachMatch(PHONE_NATIONAL, value, (m) => {
      if (DATE_LIKE.test(m[0]) || DOTTED.test(m[0])) return;
      const end = validPhonePrefix(m[0], region);
      if (end > 0) push(out, 'PHONE_NUMBER', m.index, m.index + end, 0.55, 0.9, true);
    });
  }
  // Bare digits: national numbers in the region, or E.164 without its "+", only with a hint.
  if (!hinted && !region) return;
  eachMatch(PHONE_BARE, value, (m) => {
    const digits = m[0];
    const valid = region
      ? phoneValid(digits, region)
      : digits.startsWith('00')
        ? phoneValid(`+${digits.slice(2)}`, undefined)
        : digits[0] !== '0' && phoneValid(`+${digits}`, undefined);
    if (valid) push(out, 'PHONE_NUMBER', m.index, m.index + digits.length, 0, region ? 0.8 : 0.7, true);
  });
}

function phoneValid(text: string, region: CountryCode | undefined): boolean {
  const phone = parsePhoneNumberFromString(
    text,
    region ? { defaultCountry: region, extract: false } : { extract: false },
  );
  return phone?.isValid() === true;
}

/**
 * The length of the longest prefix of `text`, cut at a separator, that is a valid phone number with at
 * least 7 digits; 0 when none. Patterns may take a following number ("... 0958 2024") as one more group.
 */
function validPhonePrefix(text: string, region: CountryCode | undefined): number {
  let candidate = text;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (candidate.replace(/\D/g, '').length < 7) return 0;
    if (phoneValid(candidate, region)) return candidate.length;
    const cut = Math.max(candidate.lastIndexOf(' '), candidate.lastIndexOf('-'), candidate.lastIndexOf('.'));
    if (cut <= 0) return 0;
    candidate = candidate.slice(0, cut);
  }
  return 0;
}
